import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateWording } from '../../bot/taps/actionWords';
import {
  buildMonthlySummaryCard,
  buildWeeklyCard,
  cardBytes,
  MAX_CARD_BYTES,
  MAX_CARD_CUSTOMERS,
  type WeeklyCardData,
} from '../../cards';
import { buildDigestCard } from '../../cards/buildDigestCard';
import type { WeeklyCardCustomer } from '../../cards/cardModels';
import type { DigestCardData } from '../../cards/digestCardModels';
import { buildRunNoticeCard } from '../../cards/runNoticeCard';
import { FeedError } from '../../feed';
import { resolveColumns } from '../../feed/feedColumns';
import type { BrokenRulesFile } from '../../feed/keptRules';
import { computeMonthlySummary } from '../../jobs/monthly';
import { brokenRulesText } from '../../jobs/weekly/rulesFileNotice';
import { feedStoppedText } from '../../jobs/weekly/weeklyFeedStop';
import { notReached } from '../../jobs/weekly/weeklyReport';
import { parseRules, RulesError } from '../../rules/rulesSchema';
import { TEAMS_THEME_NAMES } from '../fixtures/teams-host-config/teamsHostConfigs';
import { launchChromium } from '../helpers/chromium';
import { CARD_WIDTHS, openTeamsCardRenderer, type TeamsCardRenderer } from '../helpers/teamsCardRenderer';
import { findAll } from '../unit/cards/cardWalk';
import { Rows, LOSS_REASONS as SUMMARY_LOSS_REASONS } from '../unit/monthly/auditRows';
import { ANA, november } from '../unit/monthly/novemberFixture';
import { TEST_OUTPUT } from './e2eStack';

// Every card the bot sends, drawn as Teams draws it (its host configs for the default, dark and
// high-contrast themes) on a 360 px phone and at a desktop chat's width, filled with the longest a
// real book gives: the longest customer names of the Online Retail, CDNOW and German exports,
// seven-digit amounts in euros written the German way, three long reasons, and the most rows a card
// carries. Teams writes a button's title on one line and cuts it with "..." when it does not fit,
// and shows no more than six actions in a set: nothing a rep needs may be cut or dropped.
// CARD_SHOTS=<dir> keeps a screenshot of each (default test-output/e2e/cards).

const SHOTS = process.env.CARD_SHOTS ?? join(TEST_OUTPUT, 'cards');

/** The longest names of the real books in test/fixtures (Online Retail, CDNOW, the German Excel export). */
const LONGEST_NAMES = ['Customer 12739 (United Arab Emirates)', 'CDNOW customer 1000', 'Bäckerei Groß'];
const GERMAN = { locale: 'de-DE', currency: 'EUR' } as const;
const LOSS = [
  { value: 'price', title: 'Price' },
  { value: 'competitor', title: 'Competitor' },
  { value: 'went_quiet', title: 'Went quiet' },
  { value: 'other', title: 'Other' },
];
const REASONS = [
  'No order in 1.267 days, usually every 31',
  'Ordering a quarter as often as before: 3 order days in the last 90 days, 12 in the 90 before',
  'Spent 87 % less in the last quarter than in the quarter before',
];

function row(k: number, extra: Partial<WeeklyCardCustomer> = {}): WeeklyCardCustomer {
  const segments = ['slipping', 'not_back', 'lapsed'] as const;
  return {
    customerId: `1${String(k).padStart(4, '0')}`,
    name: LONGEST_NAMES[k % LONGEST_NAMES.length],
    band: 'at_risk',
    score: 91,
    monthlyValue: 1_234_567.89 + k,
    reasons: REASONS,
    outlook: 'was due Mon 21 Sep',
    play: 'VIP: a personal call and a perk that is not a discount, day 0 and 7',
    flags: ['Won back twice this year: no discount'],
    segment: segments[k % 3],
    noOrder: { probability: 0.97, horizonDays: 90 },
    valueAtRisk: 1_197_530,
    change: { kind: 'worse', points: 12 },
    ...extra,
  };
}

function week(kind: 'weekly' | 'list', rows: WeeklyCardCustomer[]): WeeklyCardData {
  return {
    runKey: 'weekly-2026-W48',
    kind,
    ...GERMAN,
    customers: rows,
    lossReasons: LOSS,
    counts: { slipping: 1_234, not_back: 567, lapsed: 8_901 },
    overflow: { count: 10_677, monthlyValue: 9_876_543 },
    page: { number: kind === 'list' ? 2 : 1, pageCount: 428, nextStart: 50, nextCount: 25 },
    backOnTrack: LONGEST_NAMES.map((name) => ({ name, orderedOn: '2026-11-17' })),
  };
}

/** The weekly card with as many of these long rows as one card carries (the list pages by size). */
function fullestWeeklyCard(): object {
  for (let n = MAX_CARD_CUSTOMERS; n > 1; n--) {
    const card = buildWeeklyCard(
      week(
        'weekly',
        Array.from({ length: n }, (_, k) => row(k)),
      ),
    );
    if (cardBytes(card) <= MAX_CARD_BYTES) return card;
  }
  throw new Error('not even two rows fit a card');
}

const BY = 'Maximilian Müller-Lüdenscheidt';
/** When the runs of the gallery's week ran: Monday 23 November 2026, 08:03 in Berlin. */
const SENT = new Date('2026-11-23T07:03:00Z');
const CARDS: [string, object][] = [
  ['weekly', fullestWeeklyCard()],
  [
    'list-page',
    // Every change a row can say, and the line for a feed that has not moved since last week's card.
    buildWeeklyCard({
      ...week('list', [
        row(0, {
          change: {
            kind: 'new',
            from: 'maximilian.mueller-luedenscheidt@grosshandel-sueddeutschland.example',
          },
        }),
        row(1, { change: { kind: 'still', week: 12 } }),
        row(2, { change: { kind: 'back', since: '2026-09-21' }, valueKind: 'second_order' }),
      ]),
      feedUnchanged: { lastCardsOn: '2026-11-16', newestOrder: '2026-11-13' },
    }),
  ],
  [
    'after-taps',
    buildWeeklyCard(
      week('list', [
        row(0, { outcome: { kind: 'reached_out', by: BY, at: '2026-11-23' } }),
        row(1, { outcome: { kind: 'won_back', by: BY, at: '2026-11-23', value: 1_234_567.89 } }),
        row(2, {
          outcome: {
            kind: 'lost',
            by: BY,
            at: '2026-11-23',
            reason: 'competitor',
            note: 'Went with a cheaper supplier in Düsseldorf; '.repeat(11).slice(0, 500),
          },
        }),
        row(3, { outcome: { kind: 'snoozed', by: BY, at: '2026-11-23', until: '2026-11-30' } }),
      ]),
    ),
  ],
  ['digest', buildDigestCard(digest())],
  [
    'summary',
    buildMonthlySummaryCard(
      computeMonthlySummary({
        month: '2026-11',
        timeZone: 'Europe/Berlin',
        ...GERMAN,
        lossReasons: SUMMARY_LOSS_REASONS,
        repNames: { [ANA]: BY },
        ...novemberWithABigSave(),
      }),
    ),
  ],
  [
    'notice-rules',
    noticeCard(brokenRulesText(brokenGermanRules(), dateWording(SENT, 'Europe/Berlin', 'de-DE'))),
  ],
  ['notice-feed', noticeCard(feedStoppedText('weekly-2026-W48', germanOrdersWithoutTheirDate()))],
  ['notice-reps', noticeCard(repsNotReachedText())],
];

/** The admins' notice as the notifier posts it: the text's first line its title, then a line each. */
function noticeCard(text: string): object {
  const [title = '', ...lines] = text.split('\n');
  return buildRunNoticeCard({ title, lines });
}

/** The German export's rules file with its column names spelled the way people get them wrong. */
function brokenGermanRules(): BrokenRulesFile {
  const source = 'feed/rules.json';
  try {
    parseRules(
      {
        columns: { orders: { date: 'Rechnungsdatum', customerid: 'Kundennr' } },
        windows: { valueDays: '365 Tage' },
      },
      source,
    );
  } catch (error) {
    if (!(error instanceof RulesError)) throw error;
    return {
      source,
      problems: error.issues,
      version: 'v2',
      lastGood: { at: '2026-11-02T07:03:00Z', version: 'v1' },
    };
  }
  throw new Error('the broken rules were read as valid');
}

/** The feed reader's own message for the German orders export whose date header is written otherwise. */
function germanOrdersWithoutTheirDate(): FeedError {
  try {
    resolveColumns(
      {
        file: 'orders.csv',
        mappingKey: 'orders',
        required: ['order_id', 'customer_id', 'ordered_at', 'amount'],
      },
      ['Rechnungsnr', 'Kundennr', 'Rechnungs-Datum (TT.MM.JJJJ)', 'Betrag (brutto, €)'],
      { order_id: 'Rechnungsnr', customer_id: 'Kundennr', ordered_at: 'Rechnungsdatum', amount: 'Betrag' },
    );
  } catch (error) {
    if (error instanceof FeedError) return error;
    throw error;
  }
  throw new Error('the orders were read without their date');
}

/** The weekly run's notice of reps it could not reach (its title line as the run writes it), the rep lines from the run's own words. */
function repsNotReachedText(): string {
  const rep = 'maximilian.mueller-luedenscheidt@grosshandel-sueddeutschland.example';
  const lines = notReached([
    { rep, status: 'no_conversation' },
    { rep: `export.${rep}`, status: 'unreachable', code: 'ConversationBlockedByUser', earlier: false },
    {
      rep: `uk3.${rep}`,
      status: 'failed',
      error: 'Teams answered 502 Bad Gateway three times, the last after waiting 8 seconds',
    },
  ]).map((n) => `- ${n.rep}: ${n.detail}`);
  return [
    'Weekly run weekly-2026-W48 (2026-11-23): 9 cards delivered by this run, 0 with nothing to send, 1 unreachable, 1 without the app, 1 failed.',
    'Not reached:',
    ...lines,
  ].join('\n');
}

/** The worked November, plus a save of seven digits for the rep with the long name. */
function novemberWithABigSave(): ReturnType<typeof november> {
  const month = november();
  const big = new Rows();
  for (const row of [
    big.surfaced('c20', '2026-11-02T14:03:00.000Z', ANA),
    big.wonBack('c20', '2026-11-20T15:00:00.000Z', 1_234_567.89, { id: 'nov-big-save' }),
  ])
    month.rows.push({ ...row, id: `nov-big-${row.id}` });
  return month;
}

function digest(): DigestCardData {
  const name = (k: number) => LONGEST_NAMES[k % LONGEST_NAMES.length];
  const base = { monthlyValue: 1_234_567.89, flags: ['Won back twice this year: no discount'] };
  return {
    kind: 'digest',
    runKey: 'daily-2026-11-30',
    ...GERMAN,
    lossReasons: LOSS,
    quietReason: 'went_quiet',
    overflow: 1_234,
    rows: [
      {
        customerId: '12739',
        name: name(0),
        ...base,
        reason: { kind: 'ordered', contactOn: '2026-11-23', orderOn: '2026-11-28', amount: 1_234_567.89 },
      },
      {
        customerId: '1000',
        name: name(1),
        ...base,
        reason: { kind: 'silent', contactOn: '2026-10-27', days: 31 },
      },
      {
        customerId: 'K-2',
        name: name(2),
        ...base,
        reason: { kind: 'save_slipping', wonBackOn: '2026-10-20', daysSinceOrder: 1_267, cadenceDays: 31 },
      },
      {
        customerId: '17829',
        name: name(0),
        ...base,
        contactBy: BY,
        reason: { kind: 'no_order', contactOn: '2026-11-16', days: 14 },
      },
      {
        customerId: '1001',
        name: name(1),
        ...base,
        reason: { kind: 'lost_ordered', lostOn: '2026-11-01', orderOn: '2026-11-28', amount: 1_234_567.89 },
      },
      {
        customerId: 'K-1',
        name: name(2),
        ...base,
        reason: { kind: 'silent', contactOn: '2026-10-20', days: 38 },
        outcome: { kind: 'lost', by: 'Churn Predictor', at: '2026-11-30', reason: 'went_quiet' },
      },
    ],
  };
}

/** What on the drawn card is cut, hidden or drawn past its edge, in words; empty when nothing is. */
async function cutOff(card: Locator): Promise<string[]> {
  return card.evaluate((root) => {
    const problems: string[] = [];
    const edge = root.getBoundingClientRect().right + 0.5;
    for (const el of Array.from(root.querySelectorAll<HTMLElement>('*'))) {
      const text = (el.textContent ?? '').trim().slice(0, 60);
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > edge) problems.push(`past the card's edge: ${el.className} "${text}"`);
      const style = getComputedStyle(el);
      if (style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth + 1)
        problems.push(`cut with "...": ${el.tagName.toLowerCase()}.${el.className} "${text}"`);
    }
    // A word split across two lines ("Reach|ed out", "Lo|st"): its column is narrower than the word.
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of (node.textContent ?? '').matchAll(/[^\s\-–]+/g)) {
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top)));
        if (lines.size > 1) problems.push(`word split across lines: "${word[0]}"`);
      }
    }
    return problems;
  });
}

describe('every card as Teams draws it, on a phone and a desktop, in each theme', () => {
  let browser: Browser;
  let renderer: TeamsCardRenderer;

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    browser = await launchChromium();
    renderer = await openTeamsCardRenderer(browser);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("every card fits Teams' published limits: 80 KB as it counts a message, six actions a set", () => {
    for (const [name, card] of CARDS) {
      expect(cardBytes(card), name).toBeLessThanOrEqual(MAX_CARD_BYTES);
      // Teams' host configs show six actions a set (`actions.maxActions`) and drop the rest unseen.
      for (const set of findAll(card, (n) => Array.isArray(n.actions)))
        expect((set.actions as unknown[]).length, name).toBeLessThanOrEqual(6);
    }
  });

  for (const [name, card] of CARDS) {
    for (const [device, width] of Object.entries(CARD_WIDTHS)) {
      it(`${name} on a ${device} (${width} px): nothing cut or past the edge`, async () => {
        for (const theme of TEAMS_THEME_NAMES) {
          const drawn = await renderer.render(card, { width, theme });
          await drawn.screenshot({
            path: join(SHOTS, `${name}-${device.replaceAll(' ', '-')}-${theme}.png`),
          });
          expect(await cutOff(drawn), `${name}, ${theme}`).toEqual([]);
          // Each Won back and Lost opens its Show card: the value box, the reasons and the note.
          // The weekly card's rows are the list page's, so its 50 Show cards are not opened again.
          if (name === 'weekly') continue;
          const showCards = drawn.locator('button[aria-expanded]');
          for (let i = 0; i < (await showCards.count()); i++) {
            const button = showCards.nth(i);
            if ((await button.getAttribute('aria-expanded')) === 'true') continue;
            await button.click();
            const what = `${name}, ${theme}, ${await button.textContent()} (Show card ${i})`;
            expect(await cutOff(drawn), what).toEqual([]);
            if (i < 2)
              await drawn.screenshot({
                path: join(SHOTS, `${name}-${device.replaceAll(' ', '-')}-${theme}-open${i}.png`),
              });
          }
        }
      });
    }
  }
});
