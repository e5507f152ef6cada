import { describe, expect, it } from 'vitest';
import { decideWonBack } from '../../../bot/taps/decideWonBack';
import {
  buildWeeklyCard,
  cardAttachment,
  cardBytes,
  MAX_CARD_BYTES,
  MAX_CARD_CUSTOMERS,
} from '../../../cards';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import { atRisk, ctx, RULES } from '../taps/fixtures';
import { findAll, type Node, ofType, oneLineTexts, texts } from './cardWalk';
import { LOSS_REASONS, largestWeek, representativeWeek } from './weeklyCardFixtures';

/**
 * Teams refuses bot messages above about 100 KB counted as UTF-16 (413 MessageSizeTooBig), per
 * Microsoft's "Format your bot messages" page.
 */
const TEAMS_MESSAGE_BYTES = 100 * 1024;

const rowContainers = (card: object): Node[] => ofType(card, 'Container');
const submitData = (root: unknown): Node[] => ofType(root, 'Action.Submit').map((a) => a.data as Node);

describe('buildWeeklyCard', () => {
  it('matches the snapshot for a representative week', () => {
    expect(buildWeeklyCard(representativeWeek())).toMatchSnapshot();
  });

  it('validates against the Adaptive Card 1.5 schema (representative, empty, largest)', () => {
    expect(adaptiveCardErrors(buildWeeklyCard(representativeWeek()))).toEqual([]);
    expect(
      adaptiveCardErrors(buildWeeklyCard({ ...representativeWeek(), customers: [], overflow: undefined })),
    ).toEqual([]);
    expect(adaptiveCardErrors(buildWeeklyCard(largestWeek()))).toEqual([]);
  });

  it('the schema check can fail: a card missing TextBlock text is rejected', () => {
    const card = buildWeeklyCard(representativeWeek()) as { body: Node[] };
    delete card.body[0].text;
    expect(adaptiveCardErrors(card).length).toBeGreaterThan(0);
  });

  it('heads the card with the week, the count and the value at risk, overflow included', () => {
    const card = buildWeeklyCard(representativeWeek()) as { version: string; body: Node[] };
    expect(card.version).toBe('1.5');
    expect(card.body[0].text).toBe('Week 48 · 6 customers slipping · $8,400/month at risk');
    expect(texts(card)).toContain('+1 more, type "list" to see them all');
  });

  it('shows name, value, band and score, the top three reasons and the play per row', () => {
    const [first] = rowContainers(buildWeeklyCard(representativeWeek()));
    const t = texts(first);
    expect(t.slice(0, 3)).toEqual(['Greenfield Cafe', '$1,200/month', 'At risk · score 87']);
    expect(t.filter((x) => x.startsWith('• '))).toEqual([
      '• No order in 34 days (usually every 9)',
      '• One sour ticket',
      '• Order size down 40%',
    ]);
    expect(t).toContain('Suggested: Time-bound offer: 10% off the next order this week');
  });

  it('shows a row’s flags, e.g. a customer won back twice this year', () => {
    const week = representativeWeek();
    week.customers[0] = { ...week.customers[0], flags: ['Won back twice this year: no discount'] };
    const [first, second] = rowContainers(buildWeeklyCard(week));
    expect(texts(first)).toContain('⚠ Won back twice this year: no discount');
    expect(texts(second).some((t) => t.startsWith('⚠'))).toBe(false);
  });

  it('gives an open row Reached out, Won back (prefilled value) and Lost (reasons + bounded note)', () => {
    const [first] = rowContainers(buildWeeklyCard(representativeWeek()));
    const [reached] = ofType(first, 'Action.Submit');
    expect(reached.title).toBe('Reached out');
    expect(reached.data).toEqual({
      action: 'reached_out',
      customerId: 'cust-001',
      runKey: 'weekly-2026-W48',
      v: 1,
    });

    const [wonBack, lost] = ofType(first, 'Action.ShowCard');
    expect(wonBack.title).toBe('Won back');
    const [valueInput] = ofType(wonBack, 'Input.Text');
    expect(valueInput).toMatchObject({ id: 'value_0', value: '1200', isRequired: true });
    expect(valueInput.errorMessage).toBe('Enter the value won back as a number, e.g. 1,250.50');
    expect(submitData(wonBack)).toEqual([
      {
        action: 'won_back',
        customerId: 'cust-001',
        runKey: 'weekly-2026-W48',
        v: 1,
        fields: { value: 'value_0' },
      },
    ]);

    expect(lost.title).toBe('Lost');
    const [reason] = ofType(lost, 'Input.ChoiceSet');
    expect(reason.id).toBe('reason_0');
    expect(reason.choices).toEqual(LOSS_REASONS.map(({ title, value }) => ({ title, value })));
    const [note] = ofType(lost, 'Input.Text');
    expect(note).toMatchObject({ id: 'note_0', maxLength: 500 });
    expect(submitData(lost)).toEqual([
      {
        action: 'lost',
        customerId: 'cust-001',
        runKey: 'weekly-2026-W48',
        v: 1,
        fields: { reason: 'reason_0', note: 'note_0' },
      },
    ]);
  });

  it('wraps every text, so a phone shows the value, kind and change in full rather than cut with an ellipsis', () => {
    const week = representativeWeek();
    const [first, ...rest] = week.customers;
    const card = buildWeeklyCard({
      ...week,
      currency: 'EUR',
      customers: [{ ...first, monthlyValue: 123_456, valueKind: 'second_order' }, ...rest],
    });
    expect(texts(card)).toContain('€123,456 if they order again');
    expect(oneLineTexts(card)).toEqual([]);
    expect(oneLineTexts(buildWeeklyCard(largestWeek()))).toEqual([]);
  });

  it('keeps every input id unique on the card and every `fields` entry pointing at an input of its own sub-card', () => {
    const card = buildWeeklyCard(largestWeek());
    const ids = findAll(card, (n) => typeof n.type === 'string' && n.type.startsWith('Input.')).map(
      (n) => n.id,
    );
    expect(ids).toHaveLength(MAX_CARD_CUSTOMERS * 3);
    expect(new Set(ids).size).toBe(ids.length);
    for (const show of ofType(card, 'Action.ShowCard')) {
      const own = new Set(findAll(show, (n) => String(n.type).startsWith('Input.')).map((n) => n.id));
      for (const data of submitData(show)) {
        for (const id of Object.values(data.fields as Record<string, string>)) expect(own.has(id)).toBe(true);
      }
    }
  });

  it('shows an acted-on row as its outcome with only an Undo button', () => {
    const rows = rowContainers(buildWeeklyCard(representativeWeek()));
    const expected = [
      'Reached out by Ana Ruiz, Mon 23 Nov',
      'Won back $1,100/month by Ana Ruiz, Tue 24 Nov',
      'Lost: Price (Went with a cheaper supplier). Marked by Ana Ruiz, Wed 25 Nov',
    ];
    // The Undo carries the action the row shows, so a tap on a card left behind is decided on it.
    const shown = [
      'reached_out|2026-11-23||Ana Ruiz',
      'won_back|2026-11-24|1100|monthly|Ana Ruiz',
      'lost|2026-11-25|price|Ana Ruiz',
    ];
    rows.slice(2).forEach((row, i) => {
      expect(texts(row)).toContain(expected[i]);
      expect(ofType(row, 'Action.ShowCard')).toEqual([]);
      expect(ofType(row, 'Action.Submit').map((a) => [a.title, a.data])).toEqual([
        [
          'Undo',
          {
            action: 'undo',
            customerId: `cust-00${i + 3}`,
            runKey: 'weekly-2026-W48',
            shown: shown[i],
            v: 1,
          },
        ],
      ]);
    });
  });

  it('shows typed text as plain text: a markdown note and a display name in TextRuns, control characters gone', () => {
    const week = representativeWeek();
    const lost = week.customers[4];
    if (lost.outcome?.kind !== 'lost') throw new Error('fixture: row 5 is lost');
    lost.outcome.note = '[Click to verify](https://evil.example/phish) **URGENT**\u0007\u001b[31m\u202e';
    lost.outcome.by = 'Ana\u0000 Ruiz';
    const row = rowContainers(buildWeeklyCard(week))[4];
    const [line] = ofType(row, 'RichTextBlock').flatMap((b) => b.inlines as Node[]);
    expect(line).toMatchObject({ type: 'TextRun' });
    expect(line.text).toBe(
      'Lost: Price ([Click to verify](https://evil.example/phish) **URGENT** [31m). Marked by Ana Ruiz, Wed 25 Nov',
    );
    // No markdown-capable TextBlock carries the typed text.
    expect(ofType(row, 'TextBlock').some((b) => String(b.text).includes('evil.example'))).toBe(false);
    expect(adaptiveCardErrors(buildWeeklyCard(week))).toEqual([]);
  });

  it('shows a value won back to the cent: 12.5 as $12.50', () => {
    const week = representativeWeek();
    const won = week.customers[3];
    if (won.outcome?.kind !== 'won_back') throw new Error('fixture: row 4 is won back');
    won.outcome.value = 12.5;
    expect(texts(rowContainers(buildWeeklyCard(week))[3])).toContain(
      'Won back $12.50/month by Ana Ruiz, Tue 24 Nov',
    );
  });

  it('says so plainly when nobody is listed, naming the three kinds a list holds', () => {
    const card = buildWeeklyCard({ ...representativeWeek(), customers: [], overflow: undefined });
    expect(texts(card)).toEqual([
      'Week 48 · 0 customers slipping · $0/month at risk',
      'Nobody on your list this week: no customer worth a call (slipping, not back yet or lapsed).',
    ]);
  });

  it('a card of the largest rows, as many as the size budget takes, fits Teams as a whole activity (UTF-16)', () => {
    const week = largestWeek();
    const cardOf = (n: number) => buildWeeklyCard({ ...week, customers: week.customers.slice(0, n) });
    let n = week.customers.length;
    while (n > 1 && cardBytes(cardOf(n)) > MAX_CARD_BYTES) n--;
    const activity = {
      type: 'message',
      from: { id: '28:00000000-0000-0000-0000-000000000000', name: 'Churn Predictor' },
      conversation: { id: `a:${'x'.repeat(120)}` },
      recipient: { id: `29:${'y'.repeat(120)}` },
      attachments: [cardAttachment(cardOf(n))],
    };
    expect(n).toBeGreaterThan(10);
    expect(2 * JSON.stringify(activity).length).toBeLessThan(TEAMS_MESSAGE_BYTES);
  });

  it('cuts long names and reasons so one field cannot blow the size', () => {
    const [row] = rowContainers(buildWeeklyCard(largestWeek()));
    const [name] = texts(row);
    expect(name.length).toBeLessThanOrEqual(80);
    expect(name.endsWith('…')).toBe(true);
  });

  // biome-ignore-start lint/suspicious/noTemplateCurlyInString: the data carries template syntax on purpose
  it('renders template syntax in data literally, never evaluating it', () => {
    const week = representativeWeek();
    week.customers[0].name = 'Evil ${$root.runKey} Ltd';
    week.customers[0].reasons = ['${customerId}'];
    const t = texts(rowContainers(buildWeeklyCard(week))[0]);
    expect(t[0]).toBe('Evil ${$root.runKey} Ltd');
    expect(t).toContain('• ${customerId}');
  });
  // biome-ignore-end lint/suspicious/noTemplateCurlyInString: end of the deliberate template syntax

  it('refuses more rows than the cap, a bad run key and a negative value', () => {
    const week = largestWeek();
    week.customers.push(week.customers[0]);
    expect(() => buildWeeklyCard(week)).toThrow();
    expect(() => buildWeeklyCard({ ...representativeWeek(), runKey: '2026-W48' })).toThrow();
    const negative = representativeWeek();
    negative.customers[0].monthlyValue = -1;
    expect(() => buildWeeklyCard(negative)).toThrow();
  });

  it('formats money in the currency and locale given', () => {
    const card = buildWeeklyCard({ ...representativeWeek(), currency: 'EUR', locale: 'de-DE' }) as {
      body: Node[];
    };
    // de-DE puts a no-break space before the euro sign.
    expect(card.body[0].text).toBe('Week 48 · 6 customers slipping · 8.400\u00a0€/month at risk');
  });

  it.each([
    'en-US',
    'en-GB',
    'de-DE',
    'de-AT',
    'de-CH',
    'fr-FR',
    'fr-CH',
    'it-CH',
    'nl-NL',
    'sv-SE',
    'es-ES',
    'en-IN',
  ])(
    'the Won back box in %s: its example passes the box and the bot reads it as 1250.50, as a rep types it',
    (locale) => {
      const week = { ...representativeWeek(), locale };
      const [box] = ofType(buildWeeklyCard(week), 'Input.Text').filter((i) => i.id === 'value_0');
      const example = /e\.g\. (.+)$/.exec(String(box.errorMessage))?.[1] ?? '';
      const check = new RegExp(String(box.regex));
      const read = (typed: string) => decideWonBack(ctx(atRisk(), { currency: 'EUR', locale }), RULES, typed);
      expect(check.test(example)).toBe(true);
      expect(read(example)).toMatchObject({ ok: true, audit: { value: 1250.5 } });
      // A Swiss rep groups thousands with an apostrophe, typed straight or (a phone's smart
      // punctuation) curly.
      if (locale.endsWith('-CH') && !locale.startsWith('fr')) {
        for (const typed of ["1'200", '1\u2019200']) {
          expect(check.test(typed)).toBe(true);
          expect(read(typed)).toMatchObject({ ok: true, audit: { value: 1200 } });
        }
      }
    },
  );

  it('the Won back box of a row valued at £0 starts empty and says what to type, not a "0" refused on Save', () => {
    const week = { ...representativeWeek(), currency: 'GBP', locale: 'en-GB' };
    week.customers = [{ ...week.customers[0], monthlyValue: 0 }];
    const [box] = ofType(buildWeeklyCard(week), 'Input.Text').filter((i) => i.id === 'value_0');
    expect(box).toMatchObject({ value: '', placeholder: 'e.g. 1,250.50', isRequired: true });
    // Saved empty all the same (a client that lets it through), the bot says what to type.
    const current = atRisk({ monthlyValue: 0 });
    expect(decideWonBack(ctx(current, { currency: 'GBP', locale: 'en-GB' }), RULES, '')).toMatchObject({
      ok: false,
      message:
        "Type the value won back in the box, e.g. 1,250.50: the customer's value is 0 (no order in the value's window), so there is none to record as it stands. Nothing was recorded on Greenfield Cafe.",
    });
    // A row with a value keeps it, the placeholder showing only once the rep clears the box.
    const [kept] = ofType(buildWeeklyCard(representativeWeek()), 'Input.Text').filter(
      (i) => i.id === 'value_0',
    );
    expect(kept).toMatchObject({ value: '1200', placeholder: 'e.g. 1,250.50' });
  });

  it.each([
    ['GBP', 'en-GB', ['£1,100', '£ 1,100', '1,100 GBP', 'GBP 1,100'], ['$1,100', '€1,100']],
    ['EUR', 'de-DE', ['1.100 €', '1.100\u00a0€', '€1.100', 'EUR 1.100'], ['£1.100']],
    ['USD', 'en-US', ['$1,100', '$1,100.00', 'USD 1,100'], ['£1,100']],
    ['USD', 'en-GB', ['US$1,100', '$1,100'], ['£1,100']],
  ])(
    'the Won back box on a %s card in %s takes the amount as the card writes it, with its currency sign',
    (currency, locale, taken, refused) => {
      // A UK rep reads "£1,073/month" on the row and types "£1,100": the box refused it, asking for a number.
      const week = { ...representativeWeek(), currency, locale };
      const [box] = ofType(buildWeeklyCard(week), 'Input.Text').filter((i) => i.id === 'value_0');
      const check = new RegExp(String(box.regex));
      const read = (typed: string) => decideWonBack(ctx(atRisk(), { currency, locale }), RULES, typed);
      for (const typed of taken) {
        expect(check.test(typed), typed).toBe(true);
        expect(read(typed), typed).toMatchObject({ ok: true, audit: { value: 1100 } });
      }
      // Another currency's sign is no amount in this one: neither the box nor the bot takes it.
      for (const typed of refused) {
        expect(check.test(typed), typed).toBe(false);
        expect(read(typed), typed).toMatchObject({ ok: false });
      }
    },
  );

  it.each(['-£5', '£-5', '−£5', '£−5'])(
    "a negative typed with the pound's sign, %s, is told it is negative, not that it is no number",
    (typed) => {
      const read = decideWonBack(ctx(atRisk(), { currency: 'GBP', locale: 'en-GB' }), RULES, typed);
      expect(read).toMatchObject({
        ok: false,
        message: expect.stringContaining(': a negative value cannot be won back.'),
      });
    },
  );

  it('writes dates and counts in the locale given too; en-US keeps "Mon 23 Nov"', () => {
    const week = {
      ...representativeWeek(),
      counts: { slipping: 1200, not_back: 3, lapsed: 4 },
      backOnTrack: [{ name: 'Harbor Hotel', orderedOn: '2026-11-20' }],
    };
    const german = texts(buildWeeklyCard({ ...week, locale: 'de-DE' }));
    expect(german[0]).toMatch(/^Week 48 · 1\.200 slipping · 3 not back yet · 4 lapsed/);
    expect(german).toContain('Back on track: Harbor Hotel ordered Fr., 20. Nov.');
    expect(german).toContain('Reached out by Ana Ruiz, Mo., 23. Nov.');
    const american = texts(buildWeeklyCard(week));
    expect(american[0]).toMatch(/^Week 48 · 1,200 slipping/);
    expect(american).toContain('Back on track: Harbor Hotel ordered Fri 20 Nov');
    expect(american).toContain('Reached out by Ana Ruiz, Mon 23 Nov');
  });
});
