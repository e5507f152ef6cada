import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { dayOf, isoOfDay } from '../../rules/calendar';
import type { CustomerState } from '../../rules/customerState';
import { triggerLocalFunction } from '../../tools/local/adminCommand';
import { ADMIN_FUNCTIONS } from '../../tools/local/settings';
import { type EventStream, isCreate, isUpdateOf, PlaygroundClient } from '../helpers/playground';
import { findAll, texts } from '../unit/cards/cardWalk';
import { type E2eStack, startE2eStack } from './e2eStack';
import { type ExtraOrder, feedAsOf } from './feedAsOf';
import { customerNames, tapValue, weeklyRow } from './weeklyCardRows';

// A persisted stack (Azurite data in a folder) walked through days with its settable clock and a
// feed as of each day: Ana reaches out to Greenfield Cafe and a second customer on Monday 23 Nov;
// Greenfield orders on Thursday; Friday's digest offers the save and Ana records it from the
// digest; the other customer stays silent and is suggested Lost on day 31; 60 days after the save
// the summary shows it held.

const GREENFIELD = 'C-1001';
/** Greenfield's orders after the call: $450 on Thursday 26 Nov, then every 8 days (its rhythm). */
const greenfieldOrders = (() => {
  const out: ExtraOrder[] = [{ customerId: GREENFIELD, date: '2026-11-26', amount: 450 }];
  for (let d = dayOf('2026-12-04'); d <= dayOf('2027-02-28'); d += 8)
    out.push({ customerId: GREENFIELD, date: isoOfDay(d), amount: 380 });
  return out;
})();

const followUpsReport = z.looseObject({
  status: z.literal('completed'),
  runKey: z.string(),
  followUps: z.looseObject({
    due: z.number(),
    ordered: z.number(),
    no_order: z.number(),
    silent: z.number(),
  }),
  counts: z.record(z.string(), z.number()),
  outcomes: z.array(z.looseObject({ status: z.string(), earlier: z.boolean().optional() })),
});

describe('follow-ups through the days, on the Agents Playground', () => {
  let e2e: E2eStack;
  let client: PlaygroundClient;
  let stream: EventStream;
  let chat: string;
  let work: string;
  let other: string;
  let ids: Record<string, string>;

  const day = async (asOf: string) =>
    e2e.stack.setDay(asOf, { feedDir: await feedAsOf(work, asOf, greenfieldOrders) });

  const state = async (name: string): Promise<CustomerState> => {
    const read = await e2e.storage.state.get(ids[name]);
    if (!read) throw new Error(`no state row for ${name}`);
    return read.state;
  };

  /** Runs the daily job as `npm run followups` does; returns its report and the digest it posted, if any. */
  const followUps = async () => {
    const since = stream.mark();
    const report = followUpsReport.parse(
      await triggerLocalFunction(ADMIN_FUNCTIONS.followups, { port: e2e.stack.ports.bot }),
    );
    // A rep an earlier run of the day delivered to counts as delivered, without a new card.
    if (!report.outcomes.some((o) => o.status === 'delivered' && !o.earlier))
      return { report, cardId: null, card: null };
    const created = await stream.waitFor(
      (e) => isCreate(chat)(e) && (e.message?.attachments.length ?? 0) > 0,
      10_000,
      since,
    );
    return {
      report,
      cardId: created.message?.messageId ?? '',
      card: created.message?.attachments[0]?.content as unknown,
    };
  };

  const tap = async (cardId: string, value: Record<string, unknown>): Promise<unknown> => {
    const since = stream.mark();
    await client.submit(chat, cardId, value, e2e.stack.playground.user.id);
    const update = await stream.waitFor(isUpdateOf(cardId), 10_000, since);
    return update.message?.attachments[0]?.content;
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'followups-e2e-'));
    e2e = await startE2eStack({ location: join(work, 'azurite') });
    client = new PlaygroundClient(e2e.stack.urls.playground);
    stream = await client.openEventStream();
    chat = e2e.stack.playground.personalChatId;
  });

  afterAll(async () => {
    await stream?.close();
    await e2e?.stack.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('Monday 23 Nov: Ana reaches out to Greenfield Cafe and one more customer from the weekly card', async () => {
    await day('2026-11-23');
    const since = stream.mark();
    await triggerLocalFunction(ADMIN_FUNCTIONS.weekly, { port: e2e.stack.ports.bot });
    const created = await stream.waitFor(
      (e) => isCreate(chat)(e) && (e.message?.attachments.length ?? 0) > 0,
      10_000,
      since,
    );
    const cardId = created.message?.messageId ?? '';
    const card = created.message?.attachments[0]?.content;
    other = customerNames(card).filter((n) => n !== 'Greenfield Cafe')[0];
    const all = [...(await e2e.storage.state.getAll()).values()];
    ids = Object.fromEntries(
      ['Greenfield Cafe', other].map((n) => [n, all.find((s) => s.name === n)?.customerId ?? '']),
    );
    await tap(cardId, tapValue(weeklyRow(card, 'Greenfield Cafe'), 'Reached out'));
    await tap(cardId, tapValue(weeklyRow(card, other), 'Reached out'));
    expect((await state('Greenfield Cafe')).lastContact).toBe('2026-11-23');
    expect((await state(other)).lastContact).toBe('2026-11-23');
  });

  it('Thursday 26 Nov: Greenfield orders; nothing is due yet, so Ana hears nothing', async () => {
    await day('2026-11-26');
    const { report, card } = await followUps();
    expect(report).toMatchObject({ runKey: 'daily-2026-11-26', followUps: { due: 0 } });
    expect(card).toBeNull();
  });

  it('Friday 27 Nov: the digest offers the save, and Won back from the digest records it in place', async () => {
    await day('2026-11-27');
    const { report, cardId, card } = await followUps();
    expect(report).toMatchObject({ runKey: 'daily-2026-11-27', followUps: { due: 1, ordered: 1 } });
    expect(texts(card)[0]).toBe('Follow-ups for Fri 27 Nov · 1 customer');
    const row = weeklyRow(card, 'Greenfield Cafe');
    expect(row.texts).toContain('Ordered $450 on Thu 26 Nov, 3 days after you reached out: record the save?');
    expect(row.buttons).toEqual(['Won back', 'Reached out again', 'Snooze a week']);
    // Won back opens prefilled with the customer's monthly value: one tap on Save records it.
    const updated = await tap(cardId ?? '', tapValue(row, 'Won back'));
    expect(weeklyRow(updated, 'Greenfield Cafe').texts).toContain(
      'Won back $2,400/month by Ana Ruiz, Fri 27 Nov',
    );
    expect(await state('Greenfield Cafe')).toMatchObject({
      wonBackAt: '2026-11-27',
      recoveredValue: 2400,
      lastContact: null,
    });
    // The same action as on the weekly card: an audit row naming the digest, which Undo would reverse.
    const [saved] = await e2e.storage.audit.latestForCustomer(ids['Greenfield Cafe']);
    expect(saved).toMatchObject({ action: 'won_back', value: 2400, actorName: 'Ana Ruiz' });
    expect(saved.cardMessageId).toBe(cardId);
    // A second run the same day sends nothing twice.
    const again = await followUps();
    expect(again.card).toBeNull();
  });

  it('Monday 30 Nov: the other customer, 7 days without an order; Snooze a week and Undo work on the digest', async () => {
    await day('2026-11-30');
    const { report, cardId, card } = await followUps();
    expect(report.followUps).toMatchObject({ due: 1, no_order: 1 });
    const row = weeklyRow(card, other);
    expect(row.texts).toContain('Reached out 7 days ago (Mon 23 Nov), no order since.');
    expect(row.buttons).toEqual(['Reached out again', 'Won back', 'Lost', 'Snooze a week']);
    let updated = await tap(cardId ?? '', tapValue(row, 'Snooze a week'));
    expect(weeklyRow(updated, other).texts).toContain('Snoozed until Mon 7 Dec by Ana Ruiz, Mon 30 Nov');
    expect((await state(other)).snoozedUntil).toBe('2026-12-07');
    updated = await tap(cardId ?? '', tapValue(weeklyRow(updated, other), 'Undo'));
    expect(weeklyRow(updated, other).buttons).toEqual([
      'Reached out again',
      'Won back',
      'Lost',
      'Snooze a week',
    ]);
    expect((await state(other)).snoozedUntil).toBeNull();
  });

  it('Thursday 24 Dec, day 31 of silence: the digest suggests Lost, went quiet, in one tap', async () => {
    await day('2026-12-24');
    const { report, cardId, card } = await followUps();
    expect(report.followUps).toMatchObject({ due: 1, silent: 1 });
    const row = weeklyRow(card, other);
    expect(row.texts).toContain(
      'No order in the 31 days since you reached out (Mon 23 Nov): mark lost, went quiet?',
    );
    expect(row.buttons[0]).toBe('Lost: went quiet');
    const updated = await tap(cardId ?? '', tapValue(row, 'Lost: went quiet'));
    expect(weeklyRow(updated, other).texts).toContain('Lost: Went quiet. Marked by Ana Ruiz, Thu 24 Dec');
    expect(await state(other)).toMatchObject({
      status: 'lost',
      lostReason: 'went_quiet',
      lostAt: '2026-12-24',
    });
  });

  it('60 days after the save: the summary shows the save held, and what Greenfield ordered since', async () => {
    await day('2027-01-26');
    const team = e2e.stack.playground.teamId;
    const since = stream.mark();
    const post = await triggerLocalFunction(ADMIN_FUNCTIONS.summary, { port: e2e.stack.ports.bot });
    expect(post).toMatchObject({ status: 'delivered', month: '2027-01' });
    const event = await stream.waitFor(
      (e) => isCreate(team)(e) && (e.message?.attachments.length ?? 0) > 0,
      10_000,
      since,
    );
    const summaryCard = event.message?.attachments[0]?.content;
    const factList = z
      .array(z.object({ title: z.string(), value: z.string() }))
      .parse(findAll(summaryCard, (n) => n.type === 'FactSet')[0]?.facts);
    const facts = Object.fromEntries(factList.map((f) => [f.title, f.value]));
    // Orders every 8 days since the save: holding at 30 and 60 days. Since 27 Nov: 7 orders of $380.
    expect(facts['Saves that held']).toBe(
      "of every saved customer's latest save, ordering again at their usual pace 30 days after the save: 1 of 1; 60 days: 1 of 1",
    );
    expect(facts['Value retained since the saves']).toBe('$2,660 ordered (recorded $2,400/month)');

    // November's summary: two digest rows, one acted on (the snooze was undone); one of two reach-outs saved.
    const novSince = stream.mark();
    await triggerLocalFunction(ADMIN_FUNCTIONS.summary, {
      port: e2e.stack.ports.bot,
      query: { month: '2026-11' },
    });
    const nov = await stream.waitFor(
      (e) => isCreate(team)(e) && (e.message?.attachments.length ?? 0) > 0,
      10_000,
      novSince,
    );
    const novFacts = Object.fromEntries(
      z
        .array(z.object({ title: z.string(), value: z.string() }))
        .parse(findAll(nov.message?.attachments[0]?.content, (n) => n.type === 'FactSet')[0]?.facts)
        .map((f) => [f.title, f.value]),
    );
    expect(novFacts).toMatchObject({
      'Follow-up digest rows acted on': '1 of 2 (50%)',
      'Reached out, then won back': '1 of 2 customers reached out to (50%)',
      'Median days, last reach-out to won back': '4 (1 save)',
    });
  });
});
