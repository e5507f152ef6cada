import {
  type MonthlySummary,
  monthlySummarySchema,
  type RepFigures,
} from '../jobs/monthly/monthlySummarySchema';
import {
  facts,
  footnote,
  reChurnHeading,
  reChurnStory,
  repValueWords,
  summaryNumbers,
} from '../jobs/monthly/summaryText';
import type { CardJson } from './cardModels';
import { cardTemplate } from './cardTemplate';
import { markdownSafe, plainText, truncate } from './format';
import template from './templates/monthlySummary.json';

/** Bars in the value-per-rep chart; the rest are summed into one "Others" bar. */
export const MAX_CHART_REPS = 10;
/** Reps listed under "Per rep"; the rest are counted below them. Keeps the card far under 28 KB. */
export const MAX_LISTED_REPS = 30;
/** Customers named in the re-churn line. */
export const MAX_RECHURN_NAMED = 5;
const MAX_NAME_CHARS = 60;

const compiled = cardTemplate(template);

/** True when the summary reports on earlier saves (then the facts show even in a month without taps). */
export function hasSavesHeld(s: MonthlySummary): boolean {
  return (s.savesHeld?.saves ?? 0) > 0;
}

/** How the card points at the Team tab, where every rep is listed. */
export interface SummaryCardLinks {
  /** A deep link to the Team tab (when the Teams app id is configured). */
  teamTab?: string;
}

/**
 * The line under a cut per-rep list. It lists the reps who recorded something first, so the
 * reps left out are often all reps with flags and no tap: then the card says so and is complete.
 * Otherwise it points at the Team tab, which lists every rep: the channel's readers use Teams, not
 * the command line.
 */
function moreRepsText(
  hidden: readonly RepFigures[],
  n: (count: number) => string,
  links: SummaryCardLinks,
): string {
  const idle = hidden.every((r) => r.reachedOut === 0 && r.wonBack === 0 && r.lost === 0);
  if (idle)
    return `+${n(hidden.length)} more reps, each with customers flagged and no reach-out, save or loss recorded.`;
  return links.teamTab
    ? `+${n(hidden.length)} more reps: [open the Team tab](${links.teamTab}) for every rep.`
    : `+${n(hidden.length)} more reps: the Team tab (Churn Predictor, added to a channel) shows every rep.`;
}

/** Plain strings and numbers for the template: all formatting happens here. */
function viewModel(s: MonthlySummary, links: SummaryCardLinks) {
  const { money, pct, n } = summaryNumbers(s);
  const earning = s.reps.filter((r) => r.valueWonBack > 0);
  const bars = earning
    .slice(0, MAX_CHART_REPS)
    .map((r) => ({ name: truncate(plainText(r.name), MAX_NAME_CHARS), value: r.valueWonBack }));
  const others = earning.slice(MAX_CHART_REPS).reduce((sum, r) => sum + r.valueWonBack, 0);
  if (others > 0) bars.push({ name: `Others (${n(earning.length - MAX_CHART_REPS)})`, value: others });
  // One line per customer, as the terminal has them: whether the save ever held is the story.
  const reChurnRows = s.reChurn
    .slice(0, MAX_RECHURN_NAMED)
    .map((c) => ({ text: `${markdownSafe(c.name, MAX_NAME_CHARS)}: ${reChurnStory(s, c)}` }));
  const moreReChurn = s.reChurn.length - reChurnRows.length;
  return {
    title: `Churn Predictor · ${s.monthTitle}`,
    headline: s.headline,
    // A month without taps can still report on earlier saves (saves that held).
    isEmpty: s.isEmpty && !hasSavesHeld(s),
    facts: facts(s).map(([title, value]) => ({ title, value })),
    hasLosses: s.losses.length > 0,
    // The rules file's labels: plain text in the donut, escaped in its fallback's markdown facts.
    losses: s.losses.map((l) => ({
      label: truncate(plainText(l.label), MAX_NAME_CHARS),
      factLabel: markdownSafe(l.label, MAX_NAME_CHARS),
      count: l.count,
      countText: `${n(l.count)} (${pct(l.share)})`,
    })),
    hints: s.hints.map((text) => ({ text })),
    hasSaves: bars.length > 0,
    valueChartTitle: `Monthly value won back (${s.currency})`,
    // The chart's labels are plain text; its fallback's facts are markdown, so they get the name escaped.
    repBars: bars.map((b) => ({
      ...b,
      factName: markdownSafe(b.name, MAX_NAME_CHARS),
      valueText: money(b.value),
    })),
    hasReps: s.reps.length > 0,
    // One line of figures per rep, not a table: a phone's card has no room for six columns, and
    // cut them mid-word ("Lo|st", "1.235.7|67,89 €").
    repRows: s.reps.slice(0, MAX_LISTED_REPS).map((r) => ({
      name: markdownSafe(r.name, MAX_NAME_CHARS),
      figures: [
        `Flagged ${n(r.surfaced)}`,
        `Reached out ${n(r.reachedOut)}`,
        `Won back ${n(r.wonBack)}`,
        `Lost ${n(r.lost)}`,
        `Value won back ${repValueWords(r, money)}`,
      ].join(' · '),
    })),
    hasMoreReps: s.reps.length > MAX_LISTED_REPS,
    moreRepsText: moreRepsText(s.reps.slice(MAX_LISTED_REPS), n, links),
    hasReChurn: s.reChurn.length > 0,
    reChurnText: `${reChurnHeading(s)}: ${n(s.reChurn.length)}`,
    reChurnRows,
    hasMoreReChurn: moreReChurn > 0,
    moreReChurnText: `+${n(moreReChurn)} more`,
    hasHoldout: s.holdout !== null,
    holdoutText: s.holdout ? `Holdout: ${s.holdout.text}` : '',
    footnote: footnote(s),
  };
}

/** The monthly summary Adaptive Card (1.5, with Teams charts and their FactSet fallbacks) for the team channel. */
export function buildMonthlySummaryCard(summary: MonthlySummary, links: SummaryCardLinks = {}): CardJson {
  const parsed = monthlySummarySchema.parse(summary);
  return compiled.expand({ $root: viewModel(parsed, links) }) as Record<string, unknown>;
}
