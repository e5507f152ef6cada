import type { Rules } from '../rules/rulesSchema';
import type { ReadFeedOptions } from './readFeed';

/**
 * The feed options a rules file gives (column mapping, formats, owner names, the default rep, what
 * the help desk's ticket values mean), the scoring date (orders after it
 * are reported and not counted), the team's zone (the calendar date of a Parquet timestamp with a
 * zone) and the book's currency (the order lines read where a currency column is mapped): the one
 * place a read's options are made, for the CLI, the timer runs and the tabs alike. Leave `asOf`
 * out to keep every order (a backtest replays past dates and needs the orders after each).
 */
export function feedOptionsFrom(
  rules: Pick<Rules, 'columns' | 'formats' | 'owners' | 'defaultOwner' | 'ticketValues'>,
  asOf?: string,
  { timeZone, currency }: FeedSettings = {},
): ReadFeedOptions {
  return {
    columns: rules.columns,
    formats: rules.formats,
    owners: rules.owners,
    ticketValues: rules.ticketValues,
    ...(rules.defaultOwner ? { defaultOwner: rules.defaultOwner } : {}),
    ...(asOf ? { asOf } : {}),
    ...(timeZone ? { timeZone } : {}),
    ...(currency ? { currency } : {}),
  };
}

/** The team's settings a read of the feed follows: TIME_ZONE, and CURRENCY (set or its default). */
export type FeedSettings = Pick<ReadFeedOptions, 'timeZone' | 'currency'>;
