import type { Rules } from '../rules/rulesSchema';
import type { ReadFeedOptions } from './readFeed';

/**
 * The feed options a rules file gives (column mapping, formats, owner names), the scoring date (orders after it
 * are reported and not counted) and the team's zone (the calendar date of a Parquet timestamp with a
 * zone). Leave `asOf` out to keep every order (a backtest replays past dates and needs the orders
 * after each).
 */
export function feedOptionsFrom(
  rules: Pick<Rules, 'columns' | 'formats' | 'owners'>,
  asOf?: string,
  timeZone?: string,
): ReadFeedOptions {
  return {
    columns: rules.columns,
    formats: rules.formats,
    owners: rules.owners,
    ...(asOf ? { asOf } : {}),
    ...(timeZone ? { timeZone } : {}),
  };
}
