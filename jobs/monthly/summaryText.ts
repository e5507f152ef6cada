import {
  countOf,
  formatCount,
  formatDays,
  formatExactMoney,
  formatPercent,
  terminalText,
} from '../../cards/format';
import { formatDayMonthNear } from '../../rules/calendar';
import type { MonthlySummary, ReChurnCustomer, RepFigures } from './monthlySummarySchema';

/**
 * How the summary writes its figures, on the card and in the terminal alike: values won back as the
 * taps recorded them (to the cent when a rep typed cents), as the card's outcome line and the tab
 * state them; shares as whole percents; counts in the locale.
 */
export function summaryNumbers(s: Pick<MonthlySummary, 'currency' | 'locale'>) {
  return {
    money: (amount: number) => formatExactMoney(amount, s.currency, s.locale),
    pct: (share: number) => formatPercent(Math.round(share * 100), s.locale),
    n: (count: number) => formatCount(count, s.locale),
    days: (count: number) => formatDays(count, s.locale),
  };
}

/** Plain text of the summary for a terminal: the same figures as the card, in the same order. */
export function renderSummaryText(s: MonthlySummary): string {
  const { money, pct, n } = summaryNumbers(s);
  const lines = [`Monthly summary, ${s.monthTitle}`, '', s.headline];
  if (s.isEmpty && (s.savesHeld?.saves ?? 0) === 0) return terminalText(`${lines.join('\n')}\n`);
  lines.push('', ...table([['', ''], ...facts(s)]).slice(1));
  if (s.losses.length > 0) {
    lines.push('', 'Losses by reason');
    lines.push(...table(s.losses.map((l) => [`  ${l.label}`, n(l.count), pct(l.share)])));
  }
  for (const hint of s.hints) lines.push('', `Hint: ${hint}`);
  if (s.reps.length > 0) {
    lines.push('', 'Per rep');
    lines.push(
      ...table([
        ['  Rep', 'Flagged', 'Reached out', 'Won back', 'Lost', 'Value won back'],
        ...s.reps.map((r) => [
          `  ${r.name}`,
          n(r.surfaced),
          n(r.reachedOut),
          n(r.wonBack),
          n(r.lost),
          repValueWords(r, money),
        ]),
      ]),
    );
  }
  if (s.reChurn.length > 0) {
    lines.push('', reChurnHeading(s));
    for (const c of s.reChurn) lines.push(`  ${c.name} (${c.owner}): ${reChurnStory(s, c)}`);
  }
  if (s.holdout) lines.push('', `Holdout: ${s.holdout.text}`);
  lines.push('', footnote(s));
  return terminalText(`${lines.join('\n')}\n`);
}

/** The re-churn list's heading, with the window it was counted over (the rules' cool-down can widen it). */
export function reChurnHeading(s: Pick<MonthlySummary, 'reChurnWindowDays' | 'locale'>): string {
  return `At risk again within ${formatCount(s.reChurnWindowDays, s.locale)} days of a save`;
}

/**
 * A re-churned customer's story after their name: "won back 10 Nov, no order since, at risk again
 * 11 Jan". Whether they ordered between is said only when the order feed told; days as the card
 * writes them, with the year when not the summary's.
 */
export function reChurnStory(
  s: Pick<MonthlySummary, 'month' | 'locale'>,
  c: Pick<ReChurnCustomer, 'wonBackOn' | 'atRiskAgainOn' | 'orderedSince'>,
): string {
  const day = (iso: string) => formatDayMonthNear(iso, `${s.month}-01`, s.locale);
  const between = c.orderedSince === null ? [] : [c.orderedSince ? 'ordered again' : 'no order since'];
  return [`won back ${day(c.wonBackOn)}`, ...between, `at risk again ${day(c.atRiskAgainOn)}`].join(', ');
}

/**
 * Where the figures come from: the flags from the weekly lists, the other counts from button taps,
 * and, when shown, the saves that held and the holdout's comebacks from the order feed (no tap).
 */
export function footnote(s: MonthlySummary): string {
  const fromFeed = [
    ...((s.savesHeld?.saves ?? 0) > 0 ? ['the saves that held and the value retained'] : []),
    ...(s.holdout?.comparison ? ['the holdout comparison'] : []),
  ];
  return [
    'Flagged counts the customers on the weekly lists; every other count is a button tap, net of undos.',
    ...(fromFeed.length > 0 ? [`Read from the order feed: ${fromFeed.join('; ')}.`] : []),
  ].join(' ');
}

/** The facts shared by the card and the terminal: label and value. */
export function facts(s: MonthlySummary): [string, string][] {
  const { money, pct, n, days } = summaryNumbers(s);
  const plural = (count: number, one: string, many: string) => countOf(count, one, many, s.locale);
  return [
    ['Won back', plural(s.saves, 'save', 'saves')],
    ['Monthly value recovered', money(s.recoveredValue)],
    ...(s.secondOrderValue > 0
      ? ([['One-off orders won back', money(s.secondOrderValue)]] as [string, string][])
      : []),
    ['Flagged at risk', plural(s.surfaced, 'customer', 'customers')],
    ...(s.notDelivered > 0
      ? ([['Flagged, card not delivered (not counted)', plural(s.notDelivered, 'customer', 'customers')]] as [
          string,
          string,
        ][])
      : []),
    ['Reached out', plural(s.reachedOut, 'time', 'times')],
    ['Win-back rate', winBackRateText(s, pct, plural)],
    [
      'Median days, flagged to won back',
      s.medianDaysToWinBack === null
        ? 'n/a'
        : `${days(s.medianDaysToWinBack)} (${middleOf(s.winBacksTimed, n)})`,
    ],
    ['Lost', n(s.lost)],
    ['At risk again after a save', n(s.reChurn.length)],
    ...followUpFacts(s),
    ['Undone (not counted)', n(s.undone)],
  ];
}

/**
 * The rate of this month's flagged customers won back, with what it divides (n/a when nobody was
 * flagged), then the saves the rate leaves out: of customers flagged earlier, of customers listed
 * below a card's rows (on `list` pages), and of customers on no list.
 */
function winBackRateText(
  s: MonthlySummary,
  pct: (share: number) => string,
  plural: (count: number, one: string, many: string) => string,
): string {
  // The rate is a count of this month's flagged customers over them: the count is exact.
  const rate =
    s.winBackRate === null
      ? 'n/a: no one was flagged this month'
      : `${pct(s.winBackRate)} (${formatCount(Math.round(s.winBackRate * s.surfaced), s.locale)} of ${plural(s.surfaced, 'customer', 'customers')} flagged this month won back)`;
  const saves = (n: number, what: string) =>
    `${plural(n, 'save', 'saves')} of ${n === 1 ? 'a customer' : 'customers'} ${what}`;
  const apart = [
    ...(s.savesOfEarlierFlags > 0 ? [saves(s.savesOfEarlierFlags, 'flagged earlier')] : []),
    ...(s.savesFurtherDown > 0 ? [saves(s.savesFurtherDown, "listed below the card's rows")] : []),
    ...(s.savesNotFlagged > 0 ? [saves(s.savesNotFlagged, 'on no list at the time')] : []),
  ];
  return [rate, ...apart].join('; ');
}

/** The follow-ups' and the saves' facts: only those with something to say. */
function followUpFacts(s: MonthlySummary): [string, string][] {
  const { money, pct, n, days } = summaryNumbers(s);
  const f = s.followUps;
  const out: [string, string][] = [];
  if (f.sent > 0)
    out.push([
      'Follow-up digest rows acted on',
      `${n(f.actedOn)} of ${n(f.sent)} (${pct(f.actedOn / f.sent)})`,
    ]);
  if (f.reachedOut > 0)
    out.push([
      'Reached out, then won back',
      `${n(f.reachedOutThenWonBack)} of ${n(f.reachedOut)} ${f.reachedOut === 1 ? 'customer' : 'customers'} reached out to (${pct(f.reachedOutThenWonBack / f.reachedOut)})`,
    ]);
  if (f.medianDaysReachedOutToWonBack !== null)
    out.push([
      // Counted from the rep's last reach-out before the save.
      'Median days, last reach-out to won back',
      `${days(f.medianDaysReachedOutToWonBack)} (${middleOf(f.savesAfterReachOut, n)})`,
    ]);
  if (f.lostAfterSilence > 0)
    out.push([
      `Marked lost, gone quiet ${n(f.silentAfterDays)}+ days after a reach-out`,
      f.lostAfterSilenceAutomatically > 0
        ? `${n(f.lostAfterSilence)} (${n(f.lostAfterSilenceAutomatically)} automatically)`
        : n(f.lostAfterSilence),
    ]);
  const h = s.savesHeld;
  if (h && h.saves > 0) {
    // Held: ordering again, at the customer's usual pace, that many days after the save.
    const checks = h.checks
      .filter((c) => c.of > 0)
      .map((c, k) => `${n(c.days)} days${k === 0 ? ' after the save' : ''}: ${n(c.held)} of ${n(c.of)}`);
    out.push([
      'Saves that held',
      checks.length > 0
        ? `of every saved customer's latest save, ordering again at their usual pace ${checks.join('; ')}`
        : `none ${h.saves === 1 ? 'is' : 'are'} old enough yet`,
    ]);
    // A one-visit customer's save recorded one order's worth: not monthly revenue, said apart.
    const recorded = [
      ...(h.valueRecorded > 0 || h.valueRecordedSecondOrder === 0 ? [`${money(h.valueRecorded)}/month`] : []),
      ...(h.valueRecordedSecondOrder > 0 ? [`${money(h.valueRecordedSecondOrder)} in one-off orders`] : []),
    ];
    out.push([
      'Value retained since the saves',
      `${money(h.valueRetained)} ordered (recorded ${recorded.join(' and ')})`,
    ]);
  }
  return out;
}

/**
 * What a median was taken of, for a reader who does not know the word: "middle of 3 saves"; of one
 * save, "1 save" (one figure has no middle).
 */
function middleOf(saves: number, n: (count: number) => string): string {
  return saves === 1 ? `${n(1)} save` : `middle of ${n(saves)} saves`;
}

/** Left-aligned columns, two spaces apart. */
function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}

/**
 * What a rep won back, in the per-rep table: monthly revenue, and one-off orders said apart (a rep
 * whose saves were all one-visit customers read "$0" beside their saves).
 */
export function repValueWords(
  r: Pick<RepFigures, 'valueWonBack' | 'secondOrderValue'>,
  money: (amount: number) => string,
): string {
  if (r.secondOrderValue === 0) return money(r.valueWonBack);
  const orders = `${money(r.secondOrderValue)} in one-off orders`;
  return r.valueWonBack === 0 ? orders : `${money(r.valueWonBack)} + ${orders}`;
}
