import { describe, expect, it } from 'vitest';
import { buildDigestCard } from '../../../cards/buildDigestCard';
import { buildWeeklyCard } from '../../../cards/buildWeeklyCard';
import { MAX_NAME_CHARS } from '../../../cards/cardModels';
import { markdownSafe } from '../../../cards/format';
import { buildMonthlySummaryCard } from '../../../cards/monthlySummaryCard';
import { computeMonthlySummary } from '../../../jobs/monthly';
import { adaptiveCardErrors } from '../../fixtures/adaptive-card-schema/validateAdaptiveCard';
import { LOSS_REASONS as SUMMARY_LOSS_REASONS } from '../monthly/auditRows';
import { ANA, november } from '../monthly/novemberFixture';
import { findAll, type Node } from './cardWalk';
import { LOSS_REASONS, representativeWeek } from './weeklyCardFixtures';

// A customer name from the feed that would be a phishing link and bold text if read as markdown.
const NAME = 'Acme [Invoice overdue: pay here](https://evil.example/pay) **URGENT**';
const ESCAPED = 'Acme \\[Invoice overdue: pay here\\](https://evil.example/pay) \\*\\*URGENT\\*\\*';
/** What every card keeps of it (the summary cuts names at 60 characters). */
const ESCAPED_LINK = 'Acme \\[Invoice overdue: pay here\\](https://evil.example/pay)';

/** The texts Teams reads as markdown: TextBlocks and facts (TextRuns are plain text). */
function markdownTexts(card: unknown): string[] {
  return findAll(card, (n: Node) => n.type === 'TextBlock' || ('title' in n && 'value' in n)).flatMap((n) =>
    n.type === 'TextBlock' ? [String(n.text)] : [String(n.title), String(n.value)],
  );
}

/** Every markdown text that shows the name shows it escaped, and at least `count` do. */
function expectEscaped(card: unknown, count: number): void {
  const showing = markdownTexts(card).filter((t) => t.includes('Invoice overdue'));
  expect(showing.length).toBeGreaterThanOrEqual(count);
  for (const text of showing) {
    expect(text).toContain(ESCAPED_LINK);
    expect(text).not.toMatch(/(^|[^\\])\]\(https:\/\/evil/);
    expect(text).not.toMatch(/(^|[^\\])\*\*URGENT/);
  }
}

describe('feed text on the cards is never markdown', () => {
  it('escapes what Teams reads as markdown (emphasis, links, a list start), and nothing else', () => {
    expect(markdownSafe(NAME, 200)).toBe(ESCAPED);
    expect(markdownSafe('1. Best_Foods ~ #1 > `all` + - ! |', 200)).toBe(
      '1\\. Best\\_Foods ~ #1 > `all` + - ! |',
    );
    expect(markdownSafe('- Dash Deli', 200)).toBe('\\- Dash Deli');
    // Teams on iOS and Android would show a backslash before these: they stay as typed.
    expect(markdownSafe('Smith-Jones (UK) & Co!', 200)).toBe('Smith-Jones (UK) & Co!');
    expect(markdownSafe('back\\slash\u0007', 200)).toBe('back\\\\slash');
  });

  it('the weekly card: the name (with and without the tab link) and the back-on-track line', () => {
    const week = { ...representativeWeek(), backOnTrack: [{ name: NAME, orderedOn: '2026-11-20' }] };
    week.customers[0].name = NAME;
    expectEscaped(buildWeeklyCard(week), 2);
    const linked = buildWeeklyCard({ ...week, tabAppId: '00000000-0000-0000-0000-00000000abcd' });
    expectEscaped(linked, 2);
    expect(markdownTexts(linked)).toContainEqual(
      expect.stringMatching(/^\[Acme \\\[Invoice.*\]\(https:\/\/teams/),
    );
    expect(adaptiveCardErrors(linked)).toEqual([]);
  });

  it('the weekly card: the feed\'s previous owner in a moved customer\'s "moved from" line', () => {
    // The feed checks an owner only for an @ and no spaces: this one passes.
    const owner = '[invoice_overdue:pay-here](https://evil.example/pay)**urgent**@acme.example';
    const week = representativeWeek();
    week.customers[0].change = { kind: 'new', from: owner };
    const card = buildWeeklyCard(week);
    const line = markdownTexts(card).find((t) => t.startsWith('New on your list (moved from'));
    expect(line).toBe(
      'New on your list (moved from \\[invoice\\_overdue:pay-here\\](https://evil.example/pay)\\*\\*urgent\\*\\*@acme.example)',
    );
    expect(adaptiveCardErrors(card)).toEqual([]);
  });

  it('the digest card: the name, and the outcome (a typed note) in a TextRun', () => {
    const card = buildDigestCard({
      kind: 'digest',
      runKey: 'daily-2026-11-27',
      rows: [
        {
          customerId: 'cust-001',
          name: NAME,
          monthlyValue: 1200,
          reason: { kind: 'silent', contactOn: '2026-10-27', days: 31 },
          outcome: { kind: 'lost', by: 'Ana', at: '2026-11-27', reason: 'price', note: NAME },
        },
      ],
      lossReasons: LOSS_REASONS,
      quietReason: 'went_quiet',
    });
    expectEscaped(card, 1);
    // The typed note is shown as typed, in a TextRun, not in a markdown TextBlock.
    expect(markdownTexts(card).filter((t) => t.includes('Lost:'))).toEqual([]);
    expect(findAll(card, (n) => n.type === 'TextRun').map((n) => n.text)).toContainEqual(
      expect.stringContaining(`(${NAME.slice(0, 20)}`),
    );
    expect(adaptiveCardErrors(card)).toEqual([]);
  });

  it("the digest card: the name of another rep who reached out, in the row's sentence", () => {
    // A display name is the rep's own to set (a guest's, or where the tenant lets users edit theirs).
    const contactBy = NAME.slice(0, MAX_NAME_CHARS);
    const card = buildDigestCard({
      kind: 'digest',
      runKey: 'daily-2026-11-27',
      rows: [
        {
          customerId: 'cust-001',
          name: 'Greenfield Cafe',
          monthlyValue: 1200,
          reason: { kind: 'silent', contactOn: '2026-10-27', days: 31 },
          contactBy,
        },
        {
          customerId: 'cust-002',
          name: 'Harbor Bistro',
          monthlyValue: 640,
          reason: { kind: 'no_order', contactOn: '2026-11-20', days: 7 },
          contactBy,
        },
      ],
      lossReasons: LOSS_REASONS,
      quietReason: 'went_quiet',
    });
    expectEscaped(card, 2);
    expect(adaptiveCardErrors(card)).toEqual([]);
  });

  it('the monthly summary: rep names in the table and the chart fallback, customers in the re-churn line', () => {
    const s = computeMonthlySummary({
      month: '2026-11',
      timeZone: 'America/Chicago',
      lossReasons: SUMMARY_LOSS_REASONS,
      repNames: { [ANA]: NAME },
      ...november(),
    });
    const card = buildMonthlySummaryCard({ ...s, reChurn: s.reChurn.map((c) => ({ ...c, name: NAME })) });
    // The table's row, the chart's FactSet fallback, the re-churn line.
    expectEscaped(card, 3);
    // The chart's own labels are plain text: shown as they are, without backslashes.
    const bars = findAll(card, (n) => n.x !== undefined && n.y !== undefined).map((n) => n.x);
    expect(bars).toContain(`${NAME.slice(0, 59).trimEnd()}…`);
  });
});
