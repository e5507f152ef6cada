import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { naming, statusOf } from './errors';
import { decodeKey, idKey } from './keys';
import { endpointOf, readEntity } from './tableClients';
import { MAX_TEXT_PIECES, TEXT_PIECE, textPieces } from './textPieces';

/**
 * The run ledger: PartitionKey = run key (`weekly-2026-W48`, `monthly-2026-11`); RowKey `run` for
 * the run itself, `d_<rep id>` per rep handled, `s_<rep id>` per rep a send was started for (the
 * claim; `s_notice-<kind>` per admins' notice whose post was started), `notice` / `notice_feed` /
 * `notice_rules` / `notice_more_<hash>` per admins' notice posted, with the reps it named (`named`,
 * in pieces). Rep and notice rows are inserts only (409 = already
 * there), so a repeated or crashed run can tell what it already did and does nothing twice; a claim
 * is only ever taken over with its ETag. One row stands apart from the runs, PartitionKey `rules`
 * RowKey `last_good`: the rules file as last read valid, which the runs, the bot and the tabs go on
 * with while the file is broken (a freshly started instance too).
 */

const RUN = 'run';
const NOTICE = 'notice';
const CLAIM = 's_';
const DELIVERY = 'd_';
const DELIVERY_END = 'd`'; // the character after '_'

/** The notice kinds that are a fixed word (NoticeKind): the type and the stored row's schema share the list. */
const FIXED_NOTICE_KINDS = ['run', 'feed', 'rules', 'channel', 'listings'] as const;

/**
 * Which admins' notice: the end-of-run account, the feed that stopped the run, a rules file that is
 * not valid, (the monthly summary) no team channel to post in, or (`more_<hash>`, keyed by the reps
 * it names) the reps a later tick of the run left without a card whom no notice had named so,
 * or (`listings`) the week's listings a weekly run could not record, when its last tick did not run.
 * `wait_<end>`: the notice of reps with no card after a wait Teams asked for, as rows written
 * before the `more_` notice took it over name it.
 */
export type NoticeKind = (typeof FIXED_NOTICE_KINDS)[number] | `more_${string}` | `wait_${string}`;
const noticeRow = (kind: NoticeKind) => (kind === 'run' ? NOTICE : `${NOTICE}_${kind}`);
const noticeKindSchema = z.custom<NoticeKind>(
  (v) =>
    typeof v === 'string' &&
    ((FIXED_NOTICE_KINDS as readonly string[]).includes(v) || v.startsWith('more_') || v.startsWith('wait_')),
);

/**
 * An admins' notice a finished run could not post, kept on its row for a later tick: its text, kind,
 * and what it names (toldKey of each rep), recorded with it once posted.
 */
export interface PendingNotice {
  text: string;
  kind: NoticeKind;
  named?: readonly string[];
}

/** What a posted notice was about (toldEarlier) and which reps it named (toldKey), as recorded with it. */
export interface NoticeTold {
  about?: string;
  named?: readonly string[];
}

/**
 * Pieces a list of reps keeps at most: with the run row's report and kept notice (30,000 characters
 * each), the row stays under Table Storage's 1 MiB (2 bytes a character).
 */
const MAX_LIST_PIECES = 12;

/**
 * The leading entries of `list` whose JSON fits in MAX_LIST_PIECES pieces (a piece cut short before
 * a character written as two units holds one unit less).
 */
function fittingList(list: readonly string[]): readonly string[] {
  const room = MAX_LIST_PIECES * (TEXT_PIECE - 1);
  let used = 2; // the brackets
  let n = 0;
  for (const entry of list) {
    used += JSON.stringify(entry).length + (n > 0 ? 1 : 0);
    if (used > room) break;
    n++;
  }
  return n === list.length ? list : list.slice(0, n);
}

/**
 * A list kept in a row as JSON in pieces (`<field>0`, `<field>1`...): a notice may name thousands of
 * reps. Of more than a row holds (some 6,000), the leading ones: a notice already posted is still
 * recorded, and a later one names the others again at worst, rather than each tick posting it anew.
 */
function listPieces(field: string, list: readonly string[] | undefined): Record<string, string | number> {
  if (list === undefined) return {};
  const cut = textPieces(JSON.stringify(fittingList(list)), TEXT_PIECE);
  return { [`${field}Pieces`]: cut.length, ...pieceFields(field, cut) };
}

/** The list listPieces kept; undefined when the row has none. */
function listOf(entity: Record<string, unknown>, field: string): string[] | undefined {
  const pieces = entity[`${field}Pieces`];
  if (typeof pieces !== 'number') return undefined;
  return z.array(z.string()).parse(JSON.parse(joinedPieces(entity, field, pieces)));
}

/** A text's pieces as a row's fields `<field>0`, `<field>1`... */
function pieceFields(field: string, pieces: readonly string[]): Record<string, string> {
  return Object.fromEntries(pieces.map((piece, i) => [`${field}${i}`, piece]));
}

/** The text a row keeps in `count` pieces (pieceFields), joined again. */
function joinedPieces(entity: Record<string, unknown>, field: string, count: number): string {
  return Array.from({ length: count }, (_, i) => String(entity[`${field}${i}`] ?? '')).join('');
}

const GOOD_RULES_PARTITION = 'rules';
const GOOD_RULES_ROW = 'last_good';

const goodRulesSchema = z.object({
  source: z.string(),
  version: z.string(),
  at: z.iso.datetime({ offset: true }),
  pieces: z.number().int().min(0).max(MAX_TEXT_PIECES),
});
/** The rules file as last read valid: which file, its version (content hash), its text, and when it was read. */
export interface GoodRules {
  source: string;
  version: string;
  text: string;
  at: string;
}

export const DELIVERY_STATUSES = ['delivered', 'nothing_to_send', 'unreachable', 'no_conversation'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const deliverySchema = z.object({
  repId: z.string().min(1).max(400),
  activityId: z.string().max(400).optional(),
  at: z.iso.datetime({ offset: true }),
  status: z.enum(DELIVERY_STATUSES),
  /** Teams' error code of an `unreachable` rep, for the admins' notice after a later attempt (rows before it have none). */
  code: z.string().max(200).optional(),
  /** The customers the delivered card listed (stored as JSON text; rows written before it have none). */
  customerIds: z
    .preprocess((v) => (typeof v === 'string' ? JSON.parse(v) : v), z.array(z.string()))
    .optional(),
});
export type Delivery = z.output<typeof deliverySchema>;

/** A send started for a rep and not yet answered in the ledger: when, and how many sends it covers. */
const claimSchema = z.object({
  at: z.iso.datetime({ offset: true }),
  sends: z.number().int().min(1),
});
export type SendClaim = z.output<typeof claimSchema>;
/** A claim found in place, with the ETag a takeover must match. */
export type HeldClaim = SendClaim & { etag: string };

const runSchema = z.object({
  runKey: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  /** The run's report as JSON text (whatever the run chose to record). */
  report: z.string().optional(),
  /** The admins' notice a finished run could not post, for a later tick to post. */
  pendingNotice: z.string().optional(),
  /** Its kind, when not the run's own notice (rows before it have none). */
  pendingKind: noticeKindSchema.optional(),
});
export type RunRecord = z.output<typeof runSchema> & { pendingNamed?: string[] };

// A Table Storage string holds 64 KiB; a report must fit in one.
const MAX_REPORT_CHARS = 30_000;

/** Which runs happened and which reps each one reached. */
export interface RunLedger {
  /** Marks a run as started; `started: false` when it had already been started (the earlier record is returned). */
  startRun(runKey: string, at: string): Promise<{ started: boolean; run: RunRecord }>;
  /**
   * Marks a run as finished with its report (JSON-serialisable, under 30k characters) and, when an
   * admins' notice of it could not be posted, that notice.
   */
  finishRun(runKey: string, at: string, report: unknown, pending?: PendingNotice): Promise<RunRecord>;
  getRun(runKey: string): Promise<RunRecord | null>;
  /** The latest run key from `fromKey` (inclusive) to `beforeKey` (exclusive) whose run finished; null when none. */
  lastFinished(fromKey: string, beforeKey: string): Promise<string | null>;
  /** As lastFinished, and the latest run key in the range that was started at all (finished or not). */
  lastRuns(fromKey: string, beforeKey: string): Promise<{ started: string | null; finished: string | null }>;
  /** The runs started with keys from `fromKey` (inclusive) to `beforeKey` (exclusive), oldest first. */
  runsBetween(fromKey: string, beforeKey: string): Promise<{ runKey: string; finished: boolean }[]>;
  /**
   * Records what happened for one rep; `recorded: false` when a row was already there (kept as is),
   * but for an `unreachable` row, which a later send's outcome replaces (the rep installed the app
   * again since Teams refused their card).
   */
  recordDelivery(
    runKey: string,
    repId: string,
    outcome: Omit<Delivery, 'repId'>,
  ): Promise<{ recorded: boolean }>;
  /** One rep's row of a run, or null. */
  getDelivery(runKey: string, repId: string): Promise<Delivery | null>;
  /** Every rep row of a run. */
  listRun(runKey: string): Promise<Delivery[]>;
  /** Every rep row of the runs whose keys are from `fromKey` up to (not including) `beforeKey`, with its run key. */
  deliveriesBetween(fromKey: string, beforeKey: string): Promise<(Delivery & { runKey: string })[]>;
  /**
   * Claims the send of a rep's card for `sends: 1` (an insert: at most one caller gets `claimed: true`);
   * else returns the claim already there.
   */
  claimSend(
    runKey: string,
    repId: string,
    at: string,
  ): Promise<{ claimed: true } | { claimed: false; claim: HeldClaim }>;
  /** Drops a rep's claim: their send was answered with a failure, so a retry is a send like the first. */
  releaseClaim(runKey: string, repId: string): Promise<void>;
  /** Takes a claim over for one more send; false when someone else changed it since it was read (412). */
  retakeClaim(runKey: string, repId: string, claim: HeldClaim, at: string): Promise<boolean>;
  /** True when the admins' notice of this kind was already posted for this run (it goes out once per run key). */
  noticeSent(runKey: string, kind?: NoticeKind): Promise<boolean>;
  /** What the run's notice of this kind was about, as recorded ('' when not said); null when none was posted. */
  noticeAbout(runKey: string, kind: NoticeKind): Promise<string | null>;
  /** Records that the admins' notice of this kind was posted for this run (and, when given, what about and whom it named). */
  recordNotice(runKey: string, at: string, kind?: NoticeKind, told?: NoticeTold): Promise<void>;
  /** Every rep the run's posted notices named (their toldKey), as recorded with them. */
  namedInNotices(runKey: string): Promise<Set<string>>;
  /** The rules file as last read valid; null when none was kept. */
  goodRules(): Promise<GoodRules | null>;
  /** Keeps the rules file just read valid, in place of the one kept before. */
  keepGoodRules(rules: GoodRules): Promise<void>;
}

/** Table Storage implementation of RunLedger. */
export class TableRunLedger implements RunLedger {
  private readonly endpoint: string;

  constructor(private readonly client: TableClient) {
    this.endpoint = endpointOf(client);
  }

  async startRun(runKey: string, at: string): Promise<{ started: boolean; run: RunRecord }> {
    const run: RunRecord = { runKey, startedAt: z.iso.datetime({ offset: true }).parse(at) };
    const inserted = await this.insert({ partitionKey: idKey(runKey), rowKey: RUN, ...run });
    if (inserted) return { started: true, run };
    const existing = await this.getRun(runKey);
    if (!existing) throw new Error(`Run ${runKey} reported as existing but cannot be read`);
    return { started: false, run: existing };
  }

  async finishRun(runKey: string, at: string, report: unknown, pending?: PendingNotice): Promise<RunRecord> {
    const text = JSON.stringify(report);
    if (text.length > MAX_REPORT_CHARS)
      throw new Error(`Run report is ${text.length} characters; the limit is ${MAX_REPORT_CHARS}`);
    const current = await this.getRun(runKey);
    const run: RunRecord = {
      runKey,
      startedAt: current?.startedAt ?? at,
      finishedAt: z.iso.datetime({ offset: true }).parse(at),
      report: text,
      ...(pending === undefined ? {} : { pendingNotice: pending.text.slice(0, MAX_REPORT_CHARS) }),
      ...(pending === undefined || pending.kind === 'run' ? {} : { pendingKind: pending.kind }),
    };
    const named = listPieces('pendingNamed', pending?.named);
    await naming(this.endpoint, () =>
      this.client.upsertEntity({ partitionKey: idKey(runKey), rowKey: RUN, ...run, ...named }, 'Replace'),
    );
    return pending?.named === undefined ? run : { ...run, pendingNamed: [...fittingList(pending.named)] };
  }

  async getRun(runKey: string): Promise<RunRecord | null> {
    return naming(this.endpoint, async () => {
      const entity = await readEntity(this.client, idKey(runKey), RUN);
      if (!entity) return null;
      const named = listOf(entity, 'pendingNamed');
      return { ...runSchema.parse(entity), ...(named === undefined ? {} : { pendingNamed: named }) };
    });
  }

  async lastFinished(fromKey: string, beforeKey: string): Promise<string | null> {
    return (await this.lastRuns(fromKey, beforeKey)).finished;
  }

  async lastRuns(
    fromKey: string,
    beforeKey: string,
  ): Promise<{ started: string | null; finished: string | null }> {
    const runs = await this.runsBetween(fromKey, beforeKey);
    return {
      started: runs.at(-1)?.runKey ?? null,
      finished: runs.filter((r) => r.finished).at(-1)?.runKey ?? null,
    };
  }

  async runsBetween(fromKey: string, beforeKey: string): Promise<{ runKey: string; finished: boolean }[]> {
    // One range query over the runs' partitions (one run row each); keys of one kind sort by date.
    const filter = odata`PartitionKey ge ${idKey(fromKey)} and PartitionKey lt ${idKey(beforeKey)} and RowKey eq ${RUN}`;
    return naming(this.endpoint, async () => {
      const runs: { runKey: string; finished: boolean }[] = [];
      const pages = this.client.listEntities({ queryOptions: { filter, select: ['runKey', 'finishedAt'] } });
      for await (const page of pages.byPage())
        for (const e of page) runs.push({ runKey: String(e.runKey ?? ''), finished: Boolean(e.finishedAt) });
      return runs.sort((a, b) => (a.runKey < b.runKey ? -1 : a.runKey > b.runKey ? 1 : 0));
    });
  }

  async recordDelivery(
    runKey: string,
    repId: string,
    outcome: Omit<Delivery, 'repId'>,
  ): Promise<{ recorded: boolean }> {
    const { activityId, customerIds, ...rest } = deliverySchema.parse({ ...outcome, repId });
    const entity = {
      partitionKey: idKey(runKey),
      rowKey: DELIVERY + idKey(repId),
      ...rest,
      ...(activityId === undefined ? {} : { activityId }),
      ...(customerIds === undefined ? {} : { customerIds: JSON.stringify(customerIds) }),
    };
    if (await this.insert(entity)) return { recorded: true };
    const existing = await naming(this.endpoint, () =>
      readEntity(this.client, entity.partitionKey, entity.rowKey),
    );
    if (existing?.status !== 'unreachable' || Date.parse(String(existing.at)) >= Date.parse(rest.at))
      return { recorded: false };
    // By its ETag: of two instances sending after the reinstall, one records.
    return naming(this.endpoint, async () => {
      try {
        await this.client.updateEntity(entity, 'Replace', { etag: String(existing.etag) });
        return { recorded: true };
      } catch (err) {
        if (statusOf(err) === 412) return { recorded: false };
        throw err;
      }
    });
  }

  async getDelivery(runKey: string, repId: string): Promise<Delivery | null> {
    return naming(this.endpoint, async () => {
      const entity = await readEntity(this.client, idKey(runKey), DELIVERY + idKey(repId));
      return entity && deliverySchema.parse(entity);
    });
  }

  async claimSend(
    runKey: string,
    repId: string,
    at: string,
  ): Promise<{ claimed: true } | { claimed: false; claim: HeldClaim }> {
    const claim = claimSchema.parse({ at, sends: 1 });
    if (await this.insert({ partitionKey: idKey(runKey), rowKey: CLAIM + idKey(repId), ...claim }))
      return { claimed: true };
    const row = await naming(this.endpoint, () =>
      readEntity(this.client, idKey(runKey), CLAIM + idKey(repId)),
    );
    if (!row)
      throw new Error(`The send claim of ${repId} in ${runKey} reported as existing but cannot be read`);
    return { claimed: false, claim: { ...claimSchema.parse(row), etag: String(row.etag) } };
  }

  async releaseClaim(runKey: string, repId: string): Promise<void> {
    await naming(this.endpoint, async () => {
      try {
        await this.client.deleteEntity(idKey(runKey), CLAIM + idKey(repId));
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    });
  }

  async retakeClaim(runKey: string, repId: string, claim: HeldClaim, at: string): Promise<boolean> {
    const next = claimSchema.parse({ at, sends: claim.sends + 1 });
    const entity = { partitionKey: idKey(runKey), rowKey: CLAIM + idKey(repId), ...next };
    return naming(this.endpoint, async () => {
      try {
        await this.client.updateEntity(entity, 'Replace', { etag: claim.etag });
        return true;
      } catch (err) {
        if (statusOf(err) === 412) return false;
        throw err;
      }
    });
  }

  async listRun(runKey: string): Promise<Delivery[]> {
    const filter = odata`PartitionKey eq ${idKey(runKey)} and RowKey ge ${DELIVERY} and RowKey lt ${DELIVERY_END}`;
    return naming(this.endpoint, async () => {
      const rows: Delivery[] = [];
      for await (const page of this.client.listEntities({ queryOptions: { filter } }).byPage()) {
        for (const e of page) rows.push(deliverySchema.parse(e));
      }
      return rows;
    });
  }

  async deliveriesBetween(fromKey: string, beforeKey: string): Promise<(Delivery & { runKey: string })[]> {
    // One range query over the runs' partitions, as lastFinished: keys of one kind sort by date.
    const filter = odata`PartitionKey ge ${idKey(fromKey)} and PartitionKey lt ${idKey(beforeKey)} and RowKey ge ${DELIVERY} and RowKey lt ${DELIVERY_END}`;
    return naming(this.endpoint, async () => {
      const rows: (Delivery & { runKey: string })[] = [];
      for await (const page of this.client.listEntities({ queryOptions: { filter } }).byPage()) {
        for (const e of page)
          rows.push({ ...deliverySchema.parse(e), runKey: decodeKey(e.partitionKey ?? '') });
      }
      return rows;
    });
  }

  async noticeSent(runKey: string, kind: NoticeKind = 'run'): Promise<boolean> {
    return naming(
      this.endpoint,
      async () => (await readEntity(this.client, idKey(runKey), noticeRow(kind))) !== null,
    );
  }

  async noticeAbout(runKey: string, kind: NoticeKind): Promise<string | null> {
    return naming(this.endpoint, async () => {
      const entity = await readEntity(this.client, idKey(runKey), noticeRow(kind));
      return entity === null ? null : typeof entity.about === 'string' ? entity.about : '';
    });
  }

  async recordNotice(
    runKey: string,
    at: string,
    kind: NoticeKind = 'run',
    told: NoticeTold = {},
  ): Promise<void> {
    await this.insert({
      partitionKey: idKey(runKey),
      rowKey: noticeRow(kind),
      at: z.iso.datetime({ offset: true }).parse(at),
      ...(told.about === undefined ? {} : { about: told.about }),
      ...listPieces('named', told.named),
    });
  }

  async namedInNotices(runKey: string): Promise<Set<string>> {
    // Every notice row: `notice`, and `notice_<kind>` after it ('`' is the character after '_').
    const filter = odata`PartitionKey eq ${idKey(runKey)} and RowKey ge ${NOTICE} and RowKey lt ${`${NOTICE}\``}`;
    return naming(this.endpoint, async () => {
      const named = new Set<string>();
      for await (const page of this.client.listEntities({ queryOptions: { filter } }).byPage())
        for (const e of page) for (const key of listOf(e, 'named') ?? []) named.add(key);
      return named;
    });
  }

  async goodRules(): Promise<GoodRules | null> {
    return naming(this.endpoint, async () => {
      const entity = await readEntity(this.client, idKey(GOOD_RULES_PARTITION), GOOD_RULES_ROW);
      if (!entity) return null;
      const { source, version, at, pieces } = goodRulesSchema.parse(entity);
      return { source, version, at, text: joinedPieces(entity, 'text', pieces) };
    });
  }

  async keepGoodRules(rules: GoodRules): Promise<void> {
    const cut = textPieces(rules.text, TEXT_PIECE);
    const pieces = cut.length;
    if (pieces > MAX_TEXT_PIECES)
      throw new Error(
        `The rules file is ${rules.text.length} characters; at most ${MAX_TEXT_PIECES * TEXT_PIECE} are kept`,
      );
    const text = pieceFields('text', cut);
    const { source, version, at } = rules;
    const row = goodRulesSchema.parse({ source, version, at, pieces });
    await naming(this.endpoint, () =>
      this.client.upsertEntity(
        { partitionKey: idKey(GOOD_RULES_PARTITION), rowKey: GOOD_RULES_ROW, ...row, ...text },
        'Replace',
      ),
    );
  }

  /** Inserts; false when the row already exists (409). */
  private async insert(
    entity: { partitionKey: string; rowKey: string } & Record<string, unknown>,
  ): Promise<boolean> {
    return naming(this.endpoint, async () => {
      try {
        await this.client.createEntity(entity);
        return true;
      } catch (err) {
        if (statusOf(err) === 409) return false;
        throw err;
      }
    });
  }
}
