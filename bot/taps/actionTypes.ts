import type { CustomerState, ValueKind } from '../../rules/customerState';
import type { ActionSource, AuditRow, NewAuditRow } from '../../storage/auditRow';

/** The actions a rep takes on a customer from a card (undo is separate: it reverses one of these). */
export const REP_ACTIONS = ['reached_out', 'won_back', 'lost', 'snoozed'] as const;
export type RepAction = (typeof REP_ACTIONS)[number];

/** True for the rep actions (not `surfaced`, `held_out`, `follow_up` or `undo`). */
export function isRepAction(action: string): action is RepAction {
  return (REP_ACTIONS as readonly string[]).includes(action);
}

/** The person acting, as the audit trail records them. */
export interface ActingUser {
  userId: string;
  name: string;
  /**
   * Every address the feed may name the user by (email and sign-in name, lower case): a customer's
   * rows name one rep either way, so an action taken under any of them was not another rep's.
   */
  addresses?: readonly string[];
}

/** A loss reason a rep may pick: `code` is stored, `label` is shown. */
export interface LossReason {
  code: string;
  label: string;
}

/** What the decisions need from the rules file and the product's bounds. */
export interface ActionRules {
  lossReasons: readonly LossReason[];
  /** Longest Lost note accepted, in characters. */
  noteMaxLength: number;
  /** A won-back value may be at most this multiple of the customer's monthly value... */
  maxValueMultiple: number;
  /** ...and never more than this (per month), whatever the customer's value. */
  maxValue: number;
  /** "Snooze a week": days the daily follow-ups leave the customer alone. */
  snoozeDays: number;
  /**
   * Decimals a won-back value may have beyond its currency's (none: the currency's alone, ISO 4217):
   * a recorded value replayed (replayRow) keeps its own, taken when the team's currency allowed them.
   */
  valueDecimals?: number;
}

/**
 * Actors that are the product itself (the weekly run, the daily follow-ups): their ids share this
 * prefix, which no Teams user id has.
 */
export const SYSTEM_ACTOR_PREFIX = 'churn-predictor:';

/** True for a row the product wrote itself (e.g. marked lost after silence), which the customer's rep may undo. */
export function isSystemActor(actorId: string): boolean {
  return actorId.startsWith(SYSTEM_ACTOR_PREFIX);
}

/** Why an action was refused. Nothing is written for any of them. */
export type RefusalReason =
  | 'invalid'
  | 'not_allowed'
  | 'stale'
  | 'not_found'
  | 'nothing_to_undo'
  | 'conflict';

/** A refusal, with the sentence the rep reads. */
export interface Refusal {
  ok: false;
  reason: RefusalReason;
  message: string;
}

/** An accepted action: the state to store and the audit row that records it. */
export interface Accepted {
  ok: true;
  next: CustomerState;
  audit: NewAuditRow;
}

/** The outcome of a pure decision. */
export type Decision = Accepted | Refusal;

/** What every decision is given besides its own inputs. */
export interface DecisionContext {
  current: CustomerState;
  actor: ActingUser;
  /** The calendar date in the team's time zone, `YYYY-MM-DD`. */
  today: string;
  /** The team's IANA time zone (dates in messages). */
  timeZone: string;
  /** BCP 47 locale of dates in messages, as the cards word them; default en-US. */
  locale?: string;
  /** How feed and user text goes into messages: escaped for the bot's markdown chat (see DateWording). */
  showText?: (text: string) => string;
  /**
   * The team's ISO 4217 currency, as the cards show it: amounts typed are read in it (its decimals)
   * and messages state them in it. No default: a save read as dollars in a dinar team is refused.
   */
  currency: string;
  /** The moment of the action, ISO 8601 (the audit row's `at`). */
  at: string;
  /** The action's idempotency key (the audit row's id). */
  key: string;
  /** The Teams message id of the tapped card, when there is one. */
  cardMessageId: string | null;
  /** Where the tap was made (the timeline names it); unknown for a card the bot no longer has. */
  source?: ActionSource | null;
  /** The Teams activity of the tap (auditHistory's deliveryKey), when it came in one with an id. */
  deliveryId?: string | null;
  /** The kind of value the tapped row showed (the card's or the tab's), when it is known. */
  shownValueKind?: ValueKind;
  /**
   * The value the tapped card's row showed (its Won back box's prefill), when it is known: the cap
   * counts from it too, or a one-visit customer's next order, ten times their first, was prefilled
   * and then refused as too large.
   */
  shownValue?: number;
  /**
   * The customer's latest audit rows as read for the tap, newest first: what was already done today.
   * Absent when a recorded row is replayed (it was judged when it was taken).
   */
  history?: readonly AuditRow[];
}

/** Builds a refusal. */
export function refuse(reason: RefusalReason, message: string): Refusal {
  return { ok: false, reason, message };
}

/** The audit fields every action row shares, from the context and the state before. */
export function auditBase(ctx: DecisionContext): Omit<NewAuditRow, 'action'> {
  return {
    id: ctx.key,
    customerId: ctx.current.customerId,
    customerName: ctx.current.name,
    owner: ctx.current.owner,
    actorId: ctx.actor.userId,
    actorName: ctx.actor.name,
    at: ctx.at,
    snapshot: ctx.current,
    cardMessageId: ctx.cardMessageId,
    deliveryId: ctx.deliveryId ?? null,
    source: ctx.source ?? null,
  };
}
