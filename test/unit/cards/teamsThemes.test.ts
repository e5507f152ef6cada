import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildMonthlySummaryCard, buildWeeklyCard, type WeeklyCardData } from '../../../cards';
import { buildDigestCard } from '../../../cards/buildDigestCard';
import { computeMonthlySummary } from '../../../jobs/monthly';
import { contrastRatio, TEAMS_THEMES } from '../../fixtures/teams-host-config/teamsColors';
import { LOSS_REASONS as SUMMARY_LOSS_REASONS } from '../monthly/auditRows';
import { november } from '../monthly/novemberFixture';
import { findAll } from './cardWalk';
import { digest } from './digestCardFixtures';
import { representativeWeek } from './weeklyCardFixtures';

// Teams draws each Adaptive Card `color` from its host config. A colour a line cannot be read in on
// Teams' light or dark card (Warning is yellow #f8d22a on white, 1.5:1) hides what the line says.
// 3:1 is the least WCAG accepts for any text.
const MIN_CONTRAST = 3;

/** A week with each kind of name, a flag, every outcome and a customer back on track. */
function everyColourWeek(): WeeklyCardData {
  const week = representativeWeek();
  const segments = ['slipping', 'not_back', 'lapsed'] as const;
  return {
    ...week,
    kind: 'weekly',
    counts: { slipping: 1, not_back: 1, lapsed: 1 },
    backOnTrack: [{ name: 'Rosemary Diner', orderedOn: '2026-11-17' }],
    customers: week.customers.map((c, i) => ({
      ...c,
      flags: ['Won back twice this year: no discount'],
      ...(i < segments.length
        ? { segment: segments[i], noOrder: { probability: 0.5, horizonDays: 90 }, valueAtRisk: 100 }
        : {}),
    })),
  };
}

/** Every `color` a card's text is drawn in (charts have colours of their own): on built cards, and written in the templates (parts a fixture may not show). */
function coloursUsed(): Set<string> {
  const cards: unknown[] = [
    buildWeeklyCard(representativeWeek()),
    buildWeeklyCard(everyColourWeek()),
    buildDigestCard(digest()),
    buildMonthlySummaryCard(
      computeMonthlySummary({
        month: '2026-11',
        timeZone: 'America/Chicago',
        lossReasons: SUMMARY_LOSS_REASONS,
        ...november(),
      }),
    ),
  ];
  const templates = join(__dirname, '..', '..', '..', 'cards', 'templates');
  for (const file of readdirSync(templates))
    cards.push(JSON.parse(readFileSync(join(templates, file), 'utf8')));
  const colours = findAll(
    cards,
    (n) =>
      (n.type === 'TextBlock' || n.type === 'TextRun') &&
      typeof n.color === 'string' &&
      !n.color.startsWith('${'),
  );
  return new Set(colours.map((n) => String(n.color).toLowerCase()));
}

describe("the cards' text colours in Teams' light and dark themes", () => {
  const used = [...coloursUsed()];

  it('finds the colours the cards use', () => {
    expect(used).toContain('attention');
    expect(used).toContain('accent');
  });

  for (const [theme, t] of Object.entries(TEAMS_THEMES)) {
    it(`every colour reads at ${MIN_CONTRAST}:1 or better on Teams' ${theme} card and its Show cards`, () => {
      const unreadable = used.flatMap((colour) => {
        const fg = t.foreground[colour as keyof typeof t.foreground];
        if (!fg) throw new Error(`no ${theme} foreground for colour "${colour}"`);
        return [t.background, t.showCardBackground]
          .map((bg) => ({ colour, bg, ratio: Math.round(contrastRatio(fg, bg) * 100) / 100 }))
          .filter((c) => c.ratio < MIN_CONTRAST);
      });
      expect(unreadable).toEqual([]);
    });
  }
});
