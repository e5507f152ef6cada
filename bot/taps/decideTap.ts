import type { SubmittedInputs } from '../../cards/cardSubmit';
import type { ActionRules, Decision, DecisionContext, RepAction } from './actionTypes';
import { decideLost } from './decideLost';
import { decideReachedOut } from './decideReachedOut';
import { decideSnooze } from './decideSnooze';
import { decideWonBack } from './decideWonBack';

/** The decision for a rep's tap with the row's inputs: a fresh tap, or a recorded one replayed. */
export function decideTap(
  action: RepAction,
  ctx: DecisionContext,
  rules: ActionRules,
  inputs: SubmittedInputs,
): Decision {
  switch (action) {
    case 'reached_out':
      return decideReachedOut(ctx, rules);
    case 'won_back':
      return decideWonBack(ctx, rules, inputs.value);
    case 'lost':
      return decideLost(ctx, rules, { reason: inputs.reason, note: inputs.note });
    case 'snoozed':
      return decideSnooze(ctx, rules);
  }
}
