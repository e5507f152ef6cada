import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { CustomerState } from '../../rules/customerState';
import type { AuditRow } from '../../storage';
import { triggerLocalFunction } from '../../tools/local/adminCommand';
import { ADMIN_FUNCTIONS } from '../../tools/local/settings';
import { type EventStream, isCreate, isUpdateOf, PlaygroundClient } from '../helpers/playground';
import { findAll, perRepFigures, texts } from '../unit/cards/cardWalk';
import { type E2eStack, startE2eStack } from './e2eStack';
import { customerNames, tapValue, weeklyRow } from './weeklyCardRows';

// `npm start`'s stack on free ports, driven headless through the Agents Playground's own endpoints:
// the weekly card (triggered like `npm run weekly`) reaches Ana's personal chat, each button changes
// the card in place, the state row and the audit trail, and `npm run summary`'s route posts the
// month's figures, net of the undo, to the team channel.

const weeklyReport = z.object({
  status: z.literal('completed'),
  runKey: z.string(),
  localDate: z.string(),
  outcomes: z.array(z.looseObject({ rep: z.string(), status: z.string() })),
});

describe('npm start, end to end through the Agents Playground', () => {
  let e2e: E2eStack;
  let client: PlaygroundClient;
  let stream: EventStream;
  let chat: string;
  let cardId: string;
  let card: unknown;
  /** The card's first four customers: reached out, won back, lost then undone, untouched. */
  let names: string[];
  let ids: Record<string, string>;

  beforeAll(async () => {
    e2e = await startE2eStack();
    client = new PlaygroundClient(e2e.stack.urls.playground);
    stream = await client.openEventStream();
    chat = e2e.stack.playground.personalChatId;
  });

  afterAll(async () => {
    await stream?.close();
    await e2e?.stack.stop();
  });

  const state = async (name: string): Promise<CustomerState> => {
    const read = await e2e.storage.state.get(ids[name]);
    if (!read) throw new Error(`no state row for ${name}`);
    return read.state;
  };
  const latestRows = (name: string): Promise<AuditRow[]> => e2e.storage.audit.latestForCustomer(ids[name]);

  /** Taps a button as the Playground's user and returns the card as updated in place. */
  const tap = async (value: Record<string, unknown>): Promise<unknown> => {
    const since = stream.mark();
    await client.submit(chat, cardId, value, e2e.stack.playground.user.id);
    const update = await stream.waitFor(isUpdateOf(cardId), 10_000, since);
    card = update.message?.attachments[0]?.content;
    return card;
  };

  it('the weekly job (as `npm run weekly` triggers it) puts the card in the rep’s personal chat', async () => {
    const since = stream.mark();
    const report = weeklyReport.parse(
      await triggerLocalFunction(ADMIN_FUNCTIONS.weekly, { port: e2e.stack.ports.bot }),
    );
    expect(report).toMatchObject({ runKey: 'weekly-2026-W48', localDate: '2026-11-23' });
    expect(report.outcomes.find((o) => o.rep === 'ana.ruiz@contoso.example')?.status).toBe('delivered');

    const created = await stream.waitFor(
      (e) => isCreate(chat)(e) && (e.message?.attachments.length ?? 0) > 0,
      10_000,
      since,
    );
    cardId = created.message?.messageId ?? '';
    card = created.message?.attachments[0]?.content;
    expect(created.message?.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(texts(card)[0]).toMatch(/^Week 48 · \d+ slipping( · \d+ (not back yet|lapsed))*$/);
    expect(texts(card)[1]).toMatch(
      /^\$[\d,]+ at risk on this card \(value × chance of no order in 90 days\)$/,
    );
    const greenfield = weeklyRow(card, 'Greenfield Cafe');
    expect(greenfield.texts).toContain('• No order in 34 days, usually every 9');
    expect(greenfield.buttons).toEqual(['Reached out', 'Won back', 'Lost']);
    expect(greenfield.texts).toContain('New on your list');
    expect(greenfield.texts.some((t) => /^Slipping · \d+% chance of no order in 90 days$/.test(t))).toBe(
      true,
    );

    names = customerNames(card).slice(0, 4);
    expect(names[0]).toBe('Greenfield Cafe');
    expect(names).toHaveLength(4);
    const all = await e2e.storage.state.getAll();
    ids = Object.fromEntries(
      names.map((n) => [n, [...all.values()].find((s) => s.name === n)?.customerId ?? '']),
    );
    // The run stored who it put on the list, and audited it.
    const month = await e2e.storage.audit.readMonth('2026-11');
    for (const name of names) {
      expect((await state(name)).surfacedAt).toBe('2026-11-23');
      const rows = month.filter((r) => r.customerId === ids[name]);
      expect(rows.map((r) => r.action)).toEqual(['surfaced']);
      // A run's rows are not in the customer's undoable history.
      expect(await latestRows(name)).toEqual([]);
    }

    // Running it again the same week sends nothing twice (the run ledger). The chat's messages arrive
    // in order, so once the answer to a `help` typed after the rerun is in, a second card would be too.
    const mark = stream.mark();
    const rerun = weeklyReport.parse(
      await triggerLocalFunction(ADMIN_FUNCTIONS.weekly, { port: e2e.stack.ports.bot }),
    );
    expect(rerun.outcomes.filter((o) => o.status === 'delivered' && o.earlier !== true)).toEqual([]);
    await client.sendText(chat, 'help');
    const helpAt = stream.events.indexOf(
      await stream.waitFor((e) => isCreate(chat)(e) && /list/.test(e.message?.text ?? ''), 10_000, mark),
    );
    const cards = stream.events
      .slice(mark, helpAt)
      .filter((e) => isCreate(chat)(e) && (e.message?.attachments.length ?? 0) > 0);
    expect(cards).toEqual([]);
  });

  it('Reached out: lastContact today, the score untouched, an audit row, the row says who and when', async () => {
    const name = names[0];
    const before = await state(name);
    const updated = await tap(tapValue(weeklyRow(card, name), 'Reached out'));

    const row = weeklyRow(updated, name);
    expect(row.texts).toContain('Reached out by Ana Ruiz, Mon 23 Nov');
    expect(row.buttons).toEqual(['Undo']);
    expect(weeklyRow(updated, names[1]).buttons).toEqual(['Reached out', 'Won back', 'Lost']);
    expect(await state(name)).toEqual({ ...before, lastContact: '2026-11-23' });
    const [latest] = await latestRows(name);
    expect(latest).toMatchObject({
      action: 'reached_out',
      actorName: 'Ana Ruiz',
      cardMessageId: cardId,
      snapshot: before,
    });
    expect(latest.at.startsWith('2026-11-23T')).toBe(true);
  });

  it('Won back with an edited value: steady, cycle cleared, the value recorded and audited', async () => {
    const name = names[1];
    const before = await state(name);
    expect(before.monthlyValue).not.toBe(975);
    const updated = await tap(tapValue(weeklyRow(card, name), 'Won back', { value: '975' }));

    const row = weeklyRow(updated, name);
    expect(row.texts.some((t) => t.startsWith('Won back') && t.includes('$975'))).toBe(true);
    expect(row.buttons).toEqual(['Undo']);
    expect(await state(name)).toMatchObject({
      band: 'steady',
      surfacedAt: null,
      lastContact: null,
      wonBackAt: '2026-11-23',
      recoveredValue: 975,
      status: 'active',
    });
    const [latest] = await latestRows(name);
    expect(latest).toMatchObject({ action: 'won_back', value: 975, snapshot: before });
  });

  it('Lost with a reason and a note, then Undo: the state comes back, both rows stay in the trail', async () => {
    const name = names[2];
    const before = await state(name);
    let updated = await tap(
      tapValue(weeklyRow(card, name), 'Lost', { reason: 'competitor', note: 'moved to a cash-and-carry' }),
    );
    expect(weeklyRow(updated, name).texts).toContain(
      'Lost: Went to a competitor (moved to a cash-and-carry). Marked by Ana Ruiz, Mon 23 Nov',
    );
    expect(await state(name)).toMatchObject({
      status: 'lost',
      lostAt: '2026-11-23',
      lostReason: 'competitor',
      lostNote: 'moved to a cash-and-carry',
    });
    const [lost] = await latestRows(name);
    expect(lost).toMatchObject({ action: 'lost', reason: 'competitor', note: 'moved to a cash-and-carry' });

    updated = await tap(tapValue(weeklyRow(card, name), 'Undo'));
    expect(weeklyRow(updated, name).buttons).toEqual(['Reached out', 'Won back', 'Lost']);
    expect(await state(name)).toEqual(before);
    const [undo, undone] = await latestRows(name);
    expect(undo).toMatchObject({ action: 'undo', undoes: lost.id });
    expect(undone.id).toBe(lost.id);
    // The other rows' outcomes are still shown.
    expect(weeklyRow(updated, names[0]).buttons).toEqual(['Undo']);
  });

  it('the summary (as `npm run summary` posts it) reaches the team channel with the month’s figures', async () => {
    const team = e2e.stack.playground.teamId;
    const surfaced = (await e2e.storage.audit.readMonth('2026-11')).filter((r) => r.action === 'surfaced');
    const since = stream.mark();
    const post = await triggerLocalFunction(ADMIN_FUNCTIONS.summary, { port: e2e.stack.ports.bot });
    expect(post).toMatchObject({ status: 'delivered', month: '2026-11' });

    const event = await stream.waitFor(
      (e) => isCreate(team)(e) && (e.message?.attachments.length ?? 0) > 0,
      10_000,
      since,
    );
    const summaryCard = event.message?.attachments[0]?.content;
    const words = texts(summaryCard);
    // One save of $975, the loss undone (net of undos: none lost), one reach-out; flagged counts the
    // customers on delivered cards (Ana's: the other reps have no chat with the bot here).
    expect(words[1]).toBe(
      'The team won back $975 of monthly revenue in November from 1 at-risk customer. None lost.',
    );
    expect(post).toMatchObject({ headline: words[1] });
    // The first FactSet holds the headline figures (the charts' fallbacks come later).
    const factList = z
      .array(z.object({ title: z.string(), value: z.string() }))
      .parse(findAll(summaryCard, (n) => n.type === 'FactSet')[0]?.facts);
    const facts = Object.fromEntries(factList.map((f) => [f.title, f.value]));
    expect(facts).toMatchObject({
      'Won back': '1 save',
      'Monthly value recovered': '$975',
      'Flagged at risk': `${customerNames(card).length} customers`,
      'Flagged, card not delivered (not counted)': `${surfaced.length - customerNames(card).length} customers`,
      'Reached out': '1 time',
      'Win-back rate': `${Math.round(100 / customerNames(card).length)}% (1 of ${customerNames(card).length} customers flagged this month won back)`,
      Lost: '0',
      'Undone (not counted)': '1',
    });
    // Ana's line of the per-rep figures: flagged (her card's rows), reached out, won back, lost, value.
    expect(perRepFigures(summaryCard)['Ana Ruiz']).toBe(
      `Flagged ${customerNames(card).length} · Reached out 1 · Won back 1 · Lost 0 · Value won back $975`,
    );
  });
});
