import type { Rules } from '../rules/rulesSchema';
import type { ReadFeedOptions } from './readFeed';

/**
 * The feed options a rules file gives (column mapping, formats) and the scoring date: orders after
 * it are reported and not counted. Leave `asOf` out to keep every order (a backtest replays past
 * dates and needs the orders after each).
 */
export function feedOptionsFrom(rules: Pick<Rules, 'columns' | 'formats'>, asOf?: string): ReadFeedOptions {
  return { columns: rules.columns, formats: rules.formats, ...(asOf ? { asOf } : {}) };
}
