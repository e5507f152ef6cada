import { DEFAULT_NOTE_MAX_LENGTH } from '../../cards/cardModels';
import type { Rules } from '../../rules/rulesSchema';
import type { ActionRules } from './actionTypes';

/** A won-back value may be up to ten times the customer's usual monthly value (an upsell, not a typo)... */
export const DEFAULT_MAX_VALUE_MULTIPLE = 10;
/** ...and at most ten million per month: past that it is a slip of the finger. */
export const DEFAULT_MAX_VALUE = 10_000_000;

/** "Snooze a week" when the rules leave it out. */
export const DEFAULT_SNOOZE_DAYS = 7;

/** The action bounds from the rules file (loss reasons, snooze days) and the product's defaults. */
export function actionRulesFrom(
  rules: Pick<Rules, 'lossReasons'> & { followUps?: Pick<Rules['followUps'], 'snoozeDays'> },
  overrides: Partial<ActionRules> = {},
): ActionRules {
  return {
    lossReasons: rules.lossReasons,
    noteMaxLength: DEFAULT_NOTE_MAX_LENGTH,
    maxValueMultiple: DEFAULT_MAX_VALUE_MULTIPLE,
    maxValue: DEFAULT_MAX_VALUE,
    snoozeDays: rules.followUps?.snoozeDays ?? DEFAULT_SNOOZE_DAYS,
    ...overrides,
  };
}
