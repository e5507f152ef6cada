import { randomBytes } from 'node:crypto';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { EARLIEST_WEEKLY_RUN_KEY, weeklyRunKeyOfDay } from '../../jobs/schedule/weeklyRunDue';
import { dayOf, isoOfDay, shiftMonth } from '../../rules/calendar';
import { initialState } from '../../rules/customerState';
import { openStorage, type Storage } from '../../storage';
import { type AuditRow, auditColumns, parseAuditRow } from '../../storage/auditRow';
import { idKey, newestFirstKey } from '../../storage/keys';
import { startAzurite } from '../../test/helpers/azurite';

/**
 * What the stored rows come to after years of use, and what the reads that grow with them cost, on
 * Azurite: a team of REPS reps, a weekly run every Monday and a digest run every working day (each a
 * ledger partition: the run row, a claim and a delivery row per rep), a busy customer's audit trail
 * (Reached out and Snooze most weeks, an Undo now and then), a rep's sent cards. Rows are written
 * straight into the tables, as the runs would have left them; every read is the product's own.
 *
 * `npx tsx tools/bench/yearBench.ts [years...]` (default 1 2 5).
 */

const REPS = 20;
/** A busy customer's rows a year: a Reached out and a Snooze most weeks, an Undo every other week. */
const ACTIONS_PER_YEAR = 52 * 2 + 26;
/** A stored card's gzipped bytes: a weekly card of 10 rows is 457 (generated names); real names compress less. */
const CARD_BYTES = 1_500;
const START = '2026-01-05'; // a Monday
/** A rep's month-table rows a week: ten customers flagged, a few taps, an Undo every other week. */
const FLAGGED_PER_WEEK = 10;
const TAPS_PER_WEEK = 2;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: Math.round(performance.now() - start), value };
}

/** Entities in transactions of 100 per partition. */
async function insertAll(
  client: TableClient,
  entities: readonly ({ partitionKey: string; rowKey: string } & Record<string, unknown>)[],
): Promise<void> {
  const byPartition = new Map<string, typeof entities>();
  for (const e of entities) byPartition.set(e.partitionKey, [...(byPartition.get(e.partitionKey) ?? []), e]);
  for (const group of byPartition.values())
    for (let i = 0; i < group.length; i += 100)
      await client.submitTransaction(group.slice(i, i + 100).map((e) => ['create', e] as TransactionAction));
}

/** The ledger partitions of `years` of weekly and daily runs, each run reaching every rep. */
function ledgerRows(years: number) {
  const rows: ({ partitionKey: string; rowKey: string } & Record<string, unknown>)[] = [];
  const first = dayOf(START);
  for (let d = 0; d < years * 364; d++) {
    const day = isoOfDay(first + d);
    const weekday = d % 7; // 0 = Monday
    const runKeys = [
      ...(weekday === 0 ? [weeklyRunKeyOfDay(day)] : []),
      ...(weekday < 5 ? [`daily-${day}`] : []),
    ];
    for (const runKey of runKeys) {
      const at = `${day}T14:03:00.000Z`;
      const pk = idKey(runKey);
      rows.push({ partitionKey: pk, rowKey: 'run', runKey, startedAt: at, finishedAt: at, report: '{}' });
      for (let r = 0; r < REPS; r++) {
        const rep = idKey(`rep${r}@example.com`);
        rows.push({ partitionKey: pk, rowKey: `s_${rep}`, at, sends: 1 });
        rows.push({
          partitionKey: pk,
          rowKey: `d_${rep}`,
          repId: `rep${r}@example.com`,
          at,
          status: 'delivered',
          activityId: `1:${runKey}:${r}`,
          customerIds: JSON.stringify(Array.from({ length: 10 }, (_, k) => `cust-${r}-${k}`)),
        });
      }
    }
  }
  return rows;
}

/** A busy customer's listing and guard rows for `years`; the oldest row is the loss when `lostFirst`. */
function customerRows(customerId: string, years: number, lostFirst: boolean) {
  const state = initialState({ customerId, name: 'Oak', owner: 'rep0@example.com', monthlyValue: 1200 });
  const rows: ({ partitionKey: string; rowKey: string } & Record<string, unknown>)[] = [];
  const n = Math.round(ACTIONS_PER_YEAR * years);
  for (let k = 0; k < n; k++) {
    const at = new Date(Date.parse(`${START}T15:00:00Z`) + k * Math.floor((364 * years * 86_400_000) / n));
    const action =
      lostFirst && k === 0 ? 'lost' : k % 5 === 4 ? 'undo' : k % 2 === 0 ? 'reached_out' : 'snoozed';
    const row = parseAuditRow({
      id: `card-${k}|${customerId}|${action}|1`,
      action,
      customerId,
      customerName: 'Oak',
      owner: 'rep0@example.com',
      actorId: 'aad-rep0',
      actorName: 'Rep 0',
      at: at.toISOString(),
      snapshot: action === 'undo' ? null : state,
      reason: action === 'lost' ? 'price' : null,
      undoes: action === 'undo' ? `card-${k - 1}|${customerId}|snoozed|1` : null,
      cardMessageId: `card-${k}`,
    });
    const columns = auditColumns(row);
    const pk = idKey(customerId);
    rows.push({ partitionKey: pk, rowKey: `k_${idKey(row.id)}`, ...columns });
    rows.push({ partitionKey: pk, rowKey: `t_${newestFirstKey(row.at)}_${idKey(row.id)}`, ...columns });
  }
  return rows;
}

/**
 * The month table for `years` of the team: per rep and week, FLAGGED_PER_WEEK `surfaced` rows, a
 * Reached out and a Won back, and an Undo of that Won back every other week (an undo is what
 * `summary --month` must find in every month after the one it reads).
 */
function monthTableRows(years: number) {
  const rows: ({ partitionKey: string; rowKey: string } & Record<string, unknown>)[] = [];
  const first = dayOf(START);
  for (let week = 0; week < years * 52; week++)
    for (let r = 0; r < REPS; r++) {
      const owner = `rep${r}@example.com`;
      const row = (k: number, action: AuditRow['action'], extra: Partial<AuditRow> = {}) => {
        const at = new Date(Date.parse(`${isoOfDay(first + week * 7)}T15:00:00Z`) + k * 60_000).toISOString();
        const audit = parseAuditRow({
          id: `w${week}|${owner}|${k}|${action}`,
          action,
          customerId: `cust-${r}-${k}`,
          customerName: 'Oak',
          owner,
          actorId: `aad-rep${r}`,
          actorName: `Rep ${r}`,
          at,
          ...extra,
        });
        rows.push({
          partitionKey: at.slice(0, 7),
          rowKey: `${at}_${idKey(audit.id)}`,
          ...auditColumns(audit),
        });
        return audit;
      };
      for (let k = 0; k < FLAGGED_PER_WEEK; k++) row(k, 'surfaced');
      row(FLAGGED_PER_WEEK, 'reached_out');
      const save = row(FLAGGED_PER_WEEK + TAPS_PER_WEEK - 1, 'won_back', { value: 1200 });
      if (week % 2 === 1) row(FLAGGED_PER_WEEK + TAPS_PER_WEEK, 'undo', { undoes: save.id });
    }
  return rows;
}

/** One rep's sent cards for `years`: a weekly card each Monday, a digest each working day. */
function cardRows(conversationId: string, years: number) {
  const rows: ({ partitionKey: string; rowKey: string } & Record<string, unknown>)[] = [];
  const first = dayOf(START);
  for (let d = 0; d < years * 364; d++) {
    if (d % 7 >= 5) continue;
    const day = isoOfDay(first + d);
    const runKeys = [...(d % 7 === 0 ? [weeklyRunKeyOfDay(day)] : []), `daily-${day}`];
    for (const runKey of runKeys)
      rows.push({
        partitionKey: `c_${idKey(conversationId)}`,
        rowKey: `m_${idKey(`1:${runKey}`)}`,
        messageId: `1:${runKey}`,
        runKey,
        parts: 1,
        p0: new Uint8Array(randomBytes(CARD_BYTES)),
      });
  }
  return rows;
}

export interface YearFigures {
  years: number;
  rows: { ledger: number; customerTrail: number; repCards: number; monthTable: number };
  reads: { what: string; requests: number; ms: number; found: number }[];
}

async function measure(storage: Storage, what: string, fn: () => Promise<number>) {
  storage.resetRequestCount();
  const { ms, value } = await timed(fn);
  return { what, requests: storage.requests().requests, ms, found: value };
}

/** The figures for `years` of use on a fresh set of tables. */
export async function yearFigures(connectionString: string, years: number): Promise<YearFigures> {
  const tablePrefix = `year${randomBytes(4).toString('hex')}`;
  const storage = await openStorage({ connectionString, tablePrefix });
  const client = (table: string) =>
    TableClient.fromConnectionString(connectionString, table, { allowInsecureConnection: true });
  const ledger = ledgerRows(years);
  const busy = customerRows('oak', years, false);
  const lost = customerRows('lost-long-ago', years, true);
  const cardsTable = `${tablePrefix}Cards`;
  await client(cardsTable).createTable();
  const cards = cardRows('a:rep0', years);
  await insertAll(client(storage.tables.runs), ledger);
  await insertAll(client(storage.tables.auditByCustomer), [...busy, ...lost]);
  await insertAll(client(cardsTable), cards);
  const monthTable = monthTableRows(years);
  await insertAll(client(storage.tables.audit), monthTable);

  const now = isoOfDay(dayOf(START) + years * 364);
  const nowKey = weeklyRunKeyOfDay(now);
  const reads = [
    await measure(
      storage,
      'weekly run and `list`: last finished weekly run (lastRuns from the first week)',
      async () => {
        const { finished } = await storage.runs.lastRuns(EARLIEST_WEEKLY_RUN_KEY, nowKey);
        return finished ? 1 : 0;
      },
    ),
    await measure(storage, 'daily run: last finished daily run, 14 days back', async () =>
      (await storage.runs.lastFinished(`daily-${isoOfDay(dayOf(now) - 14)}`, `daily-${now}`)) ? 1 : 0,
    ),
    await measure(
      storage,
      'a tap: the customer’s latest 50 rows',
      async () => (await storage.audit.latestForCustomer('oak', { limit: 50 })).length,
    ),
    await measure(
      storage,
      'the tab’s customer page: the whole trail',
      async () => (await storage.audit.latestForCustomer('oak', { limit: Number.POSITIVE_INFINITY })).length,
    ),
    await measure(storage, 'a standing loss behind every other row (latestOfAction)', async () =>
      (await storage.audit.latestOfAction('lost-long-ago', 'lost')) ? 1 : 0,
    ),
    await measure(
      storage,
      '`summary --month` of the first month: one month’s rows (readMonth)',
      async () => (await storage.audit.readMonth(START.slice(0, 7))).length,
    ),
    await measure(
      storage,
      '`summary --month` of the first month: the undos of every month since its next (readUndosAfter)',
      async () => (await storage.audit.readUndosAfter(shiftMonth(START.slice(0, 7), 1))).length,
    ),
  ];
  // The crash-recovery probe of a rep's sent cards (cardStore.findRunCard) for a run with no card:
  // the service reads every card in the rep's conversation.
  const cardClient = client(cardsTable);
  const filter = `PartitionKey eq 'c_a:rep0' and runKey eq 'weekly-none'`;
  const probe = await timed(async () => {
    let pages = 0;
    for await (const page of cardClient.listEntities({ queryOptions: { filter } }).byPage()) {
      pages++;
      if (page.length > 0) break;
    }
    return pages;
  });
  reads.push({
    what: 'crash recovery: a rep’s sent card by run (findRunCard, none found)',
    requests: probe.value,
    ms: probe.ms,
    found: 0,
  });
  return {
    years,
    rows: {
      ledger: ledger.length,
      customerTrail: busy.length,
      repCards: cards.length,
      monthTable: monthTable.length,
    },
    reads,
  };
}

async function main(): Promise<void> {
  const years = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const azurite = await startAzurite();
  try {
    for (const y of years.length > 0 ? years : [1, 2, 5]) {
      const f = await yearFigures(azurite.connectionString, y);
      console.log(
        `${y} year(s), ${REPS} reps: ledger ${f.rows.ledger} rows, a busy customer's trail ${f.rows.customerTrail} rows (guard + listing), a rep's cards ${f.rows.repCards} rows, the month table ${f.rows.monthTable} rows`,
      );
      for (const r of f.reads)
        console.log(`  ${r.what}: ${r.requests} request(s), ${r.ms} ms, found ${r.found}`);
    }
  } finally {
    await azurite.stop();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
