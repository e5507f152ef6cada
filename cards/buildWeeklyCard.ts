import { Template } from 'adaptivecards-templating';
import {
  type CustomerOutcome,
  MAX_NAME_CHARS,
  MAX_PLAY_CHARS,
  MAX_REASON_CHARS,
  MAX_REASONS_SHOWN,
  type WeeklyCardData,
} from './cardModels';
import { bandDisplay, formatMoney, formatShortDate, truncate, weekOfRunKey } from './format';
import weeklyTemplate from './templates/weeklyCard.json';
import { type ParsedWeeklyCardData, parseWeeklyCardData } from './weeklyCardData';

type Money = (amount: number) => string;

const template = new Template(weeklyTemplate);

function outcomeText(outcome: CustomerOutcome, money: Money, reasonTitle: (value: string) => string): string {
  const when = formatShortDate(outcome.at);
  switch (outcome.kind) {
    case 'reached_out':
      return `Reached out by ${outcome.by}, ${when}`;
    case 'won_back':
      return `Won back ${money(outcome.value)}/month by ${outcome.by}, ${when}`;
    case 'lost': {
      const note = outcome.note ? ` (${truncate(outcome.note, MAX_REASON_CHARS)})` : '';
      return `Lost: ${reasonTitle(outcome.reason)}${note}. Marked by ${outcome.by}, ${when}`;
    }
  }
}

const OUTCOME_COLOR: Record<CustomerOutcome['kind'], string> = {
  reached_out: 'Accent',
  won_back: 'Good',
  lost: 'Attention',
};

/** Plain strings for the template: all formatting happens here, the template only places them. */
function viewModel(data: ParsedWeeklyCardData) {
  const money: Money = (amount) => formatMoney(amount, data.currency, data.locale);
  const reasonTitle = (value: string) => data.lossReasons.find((r) => r.value === value)?.title ?? value;
  const shownValue = data.customers.reduce((sum, c) => sum + c.monthlyValue, 0);
  const count = data.customers.length + (data.overflow?.count ?? 0);
  const atRisk = shownValue + (data.overflow?.monthlyValue ?? 0);
  const slipping = `${count} ${count === 1 ? 'customer' : 'customers'} slipping`;
  const moreCount = data.overflow?.count ?? 0;
  return {
    runKey: data.runKey,
    headline: `Week ${weekOfRunKey(data.runKey)} · ${slipping} · ${money(atRisk)}/month at risk`,
    isEmpty: data.customers.length === 0,
    hasMore: moreCount > 0,
    moreText: `+${moreCount} more, type "list" to see them all`,
    valueLabel: `Monthly value won back (${data.currency})`,
    noteMaxLength: data.noteMaxLength,
    lossReasons: data.lossReasons,
    rows: data.customers.map((c, index) => {
      const band = bandDisplay(c.band);
      return {
        customerId: c.customerId,
        name: truncate(c.name, MAX_NAME_CHARS),
        valueText: `${money(c.monthlyValue)}/month`,
        // Whole points: decimals would suggest a precision the score does not have.
        bandText: `${band.label} · score ${Math.round(c.score)}`,
        bandColor: band.color,
        hasOutlook: Boolean(c.outlook),
        outlookText: truncate(c.outlook ?? '', MAX_REASON_CHARS),
        reasons: c.reasons.slice(0, MAX_REASONS_SHOWN).map((r) => ({ text: truncate(r, MAX_REASON_CHARS) })),
        playText: `Suggested: ${truncate(c.play, MAX_PLAY_CHARS)}`,
        hasOutcome: Boolean(c.outcome),
        outcomeText: c.outcome ? outcomeText(c.outcome, money, reasonTitle) : '',
        outcomeColor: c.outcome ? OUTCOME_COLOR[c.outcome.kind] : 'Default',
        monthlyValue: Math.round(c.monthlyValue),
        // Unique per row: Teams merges inputs into the submit, and one card holds many rows.
        valueInputId: `value_${index}`,
        reasonInputId: `reason_${index}`,
        noteInputId: `note_${index}`,
      };
    }),
  };
}

/** The weekly Adaptive Card (schema 1.5) for one rep, ready to send as an attachment's `content`. */
export function buildWeeklyCard(data: WeeklyCardData): object {
  const parsed = parseWeeklyCardData(data);
  return template.expand({ $root: viewModel(parsed) }) as object;
}
