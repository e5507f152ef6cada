import { actionRulesFrom } from '../../bot/taps/actionRules';
import type { Decision, DecisionContext, RefusalReason, RepAction } from '../../bot/taps/actionTypes';
import { dateWording, supersededWords } from '../../bot/taps/actionWords';
import {
  cardMessageKey,
  HISTORY_LIMIT,
  latestOpenAction,
  tabActionKey,
  undoKey,
} from '../../bot/taps/auditHistory';
import { type AccessPolicy, authoriseOnCustomer, checkTenant, isAdmin } from '../../bot/taps/authorise';
import {
  type CommitResult,
  commitDecision,
  finishInterrupted,
  finishRecorded,
} from '../../bot/taps/commitAction';
import { decideTap } from '../../bot/taps/decideTap';
import { decideUndo, selectUndoTarget } from '../../bot/taps/decideUndo';
import { typedAmount } from '../../bot/taps/decideWonBack';
import { withStandingLoss } from '../../bot/taps/storedHistory';
import { digitsReadIn, formatExactMoney, withoutCurrencySign, wonBackValueWords } from '../../cards/format';
import { localDate } from '../../rules/calendar';
import type { CustomerState, ValueKind } from '../../rules/customerState';
import type { Rules } from '../../rules/rulesSchema';
import { type AuditRow, valueKindOf } from '../../storage/auditRow';
import type { AuditStore } from '../../storage/auditStore';
import type { CardStore } from '../../storage/cardStore';
import type { StateStore } from '../../storage/stateStore';
import type { TabUser } from './tabToken';
import type { ActionRequestBody } from './tabTypes';

/**
 * A tap in the personal tab: the card's own decisions (decideReachedOut, decideWonBack, decideLost,
 * decideUndo) and the card's own commit (audit row first, then the state, ETag-guarded), so a tab
 * tap and a card tap are the same transition with the same audit row.
 *
 * What differs from a card tap is only where it came from. The tab's taps are recorded under one
 * name per user (`tab:<user id>`), but the tab is not one card that keeps its first outcome: it acts
 * like a fresh card after each action, as the next day's follow-up digest does (Reached out, then
 * Won back). Only the same tap again while that action is still the customer's latest, in the same
 * slip cycle, is a repeat (repeatedTabTap): it is finished, not recorded twice. Anything else is
 * decided afresh on the state as it is now, under a key named for the newest row it was decided on
 * (tabActionKey), so a double tap of the new action still collides on one key. Undo in the tab
 * reverses the customer's latest standing action wherever it was taken, as the chat's `undo` command
 * does, and only for the person who took it or an admin.
 */

export interface TabActionDeps {
  state: StateStore;
  audit: AuditStore;
  /** The chat's `undo` command finds tab taps too. */
  cards: Pick<CardStore, 'pushRecentAction'>;
  rules: Rules;
  timeZone: string;
  access: AccessPolicy;
  clock: () => Date;
  /** The book's currency and the locale its amounts and dates are written in (the card's). */
  currency: string;
  locale: string;
}

export type TabActionResult =
  | { ok: true; message: string; state: CustomerState }
  | { ok: false; status: 400 | 403 | 404 | 409; message: string };

/** The audit trail's name for taps made in the tab by this user. */
export function tabMessageId(userId: string): string {
  return cardMessageKey(`tab:${userId}`);
}

/** Decides and records one tab tap on a customer. */
export async function tapInTab(
  deps: TabActionDeps,
  user: TabUser,
  customerId: string,
  body: ActionRequestBody,
  /** Every address of the user's (the token's sign-in name and what their install stored). */
  addresses: readonly string[] = [user.email],
  /** The kind of value the tab showed on the customer's row (today's scoring), which a Won back records. */
  shownValueKind?: ValueKind,
): Promise<TabActionResult> {
  const tenant = checkTenant(user.tenantId, deps.access);
  if (tenant) return { ok: false, status: 403, message: tenant.message };
  let [read, history] = await Promise.all([
    deps.state.get(customerId),
    deps.audit.latestForCustomer(customerId, { limit: HISTORY_LIMIT }),
  ]);
  if (!read) return { ok: false, status: 404, message: 'No such customer.' };
  const auth = authoriseOnCustomer(
    { userId: user.userId, email: user.email },
    read.state.owner,
    read.state.name,
    deps.access,
  );
  if (!auth.ok) return { ok: false, status: 403, message: auth.message };

  const rules = actionRulesFrom(deps.rules);
  const messageId = tabMessageId(user.userId);
  const now = deps.clock();
  const replay = { rules, timeZone: deps.timeZone, currency: deps.currency };
  // An action elsewhere whose state write was cut short is finished first: this tap is decided on it.
  const finished = await finishInterrupted(deps, history, read.state, { ...replay, at: now.toISOString() });
  if (finished) {
    ({ read, history } = finished);
    if (!read) return { ok: false, status: 404, message: 'No such customer.' };
  }
  const current = read.state;
  history = await withStandingLoss(deps.audit, current, history);
  const ctx = (key: string): DecisionContext => ({
    current,
    actor: { userId: user.userId, name: user.name, addresses },
    today: localDate(now, deps.timeZone),
    timeZone: deps.timeZone,
    // What the tab is told is worded as the card and the chat word it.
    locale: deps.locale,
    currency: deps.currency,
    at: now.toISOString(),
    key,
    cardMessageId: messageId,
    source: 'tab',
    shownValueKind,
  });

  let decision: Decision;
  if (body.action === 'undo') {
    const selected = selectUndoTarget(history, current.name, null, ctx(''));
    if (!selected.ok) return { ok: false, status: 409, message: selected.message };
    decision = decideUndo(
      ctx(undoKey(selected.target.id)),
      rules,
      selected.target,
      isAdmin(user.userId, deps.access),
    );
  } else {
    const repeat = repeatedTabTap(history, messageId, body.action, current, deps.timeZone);
    if (repeat)
      return answer(await finishRecorded(deps, repeat, { ...replay, at: now.toISOString() }), deps, user);
    const key = tabActionKey(messageId, customerId, body.action, history);
    // The tab's box is typed in the user's Teams locale, the card's in LOCALE: an amount that reads
    // as a number in the user's goes on as plain digits written as LOCALE reads them (1.125 dinars is
    // `1,125` in a decimal-comma LOCALE, where `1.125` is 1,125). The page's currency sign first comes
    // off (`£1.100` in German Teams), else the amount would be read in LOCALE instead (£1.10).
    const typed =
      body.locale && body.value
        ? typedAmount(withoutCurrencySign(body.value, deps.currency, body.locale, deps.locale), body.locale)
        : null;
    const inputs = typed === null ? body : { ...body, value: digitsReadIn(String(typed), deps.locale) };
    // With the history, as a card tap has it: the once-a-day Reached out check reads it.
    decision = decideTap(body.action, { ...ctx(key), history }, rules, inputs);
  }
  if (!decision.ok) return { ok: false, status: refusalStatus(decision.reason), message: decision.message };
  return answer(await commitDecision(deps, decision, { ...replay, at: now.toISOString() }), deps, user);
}

/**
 * The HTTP status of a refused tap: what was sent cannot be recorded (a value that is no amount, a
 * reason not on the list) is the request's fault, 400; someone else's, 403; the customer's state
 * (lost already, undone already), 409.
 */
function refusalStatus(reason: RefusalReason): 400 | 403 | 409 {
  if (reason === 'invalid') return 400;
  return reason === 'not_allowed' ? 403 : 409;
}

/**
 * The row a tab tap repeats, or null when the tap is a new action: the customer's latest standing
 * action, taken from this user's tab, the same action, and not older than the customer's current slip
 * cycle (a customer listed again since is a new card's business). Pure.
 */
export function repeatedTabTap(
  history: readonly AuditRow[],
  messageId: string,
  action: RepAction,
  current: CustomerState,
  timeZone: string,
): AuditRow | null {
  const latest = latestOpenAction(history);
  if (!latest || latest.cardMessageId !== messageId || latest.action !== action) return null;
  const inCycle = current.surfacedAt === null || localDate(latest.at, timeZone) >= current.surfacedAt;
  return inCycle ? latest : null;
}

async function answer(result: CommitResult, deps: TabActionDeps, user: TabUser): Promise<TabActionResult> {
  const { row } = result;
  if (result.kind === 'undone')
    return { ok: false, status: 409, message: `${row.customerName}: that was already undone.` };
  const state = (await deps.state.get(row.customerId))?.state;
  if (!state) return { ok: false, status: 404, message: 'No such customer.' };
  if (result.kind === 'superseded')
    return {
      ok: false,
      status: 409,
      message: supersededWords(result, user.userId, dateWording(deps.clock(), deps.timeZone, deps.locale)),
    };
  if (result.kind === 'conflict') {
    return {
      ok: false,
      status: 409,
      message: `Someone else changed ${row.customerName} at the same moment. Nothing was changed.`,
    };
  }
  if (row.action !== 'undo')
    await deps.cards.pushRecentAction(user.userId, { customerId: row.customerId, rowId: row.id });
  return { ok: true, message: doneWords(row, (n) => formatExactMoney(n, deps.currency, deps.locale)), state };
}

function doneWords(row: AuditRow, money: (n: number) => string): string {
  switch (row.action) {
    case 'undo':
      return `Undone: ${row.customerName} is back as it was before.`;
    case 'won_back':
      return `Recorded: ${row.customerName} won back${row.value !== null ? ` (${wonBackValueWords(row.value, valueKindOf(row), money)})` : ''}.`;
    case 'lost':
      return `Recorded: ${row.customerName} lost.`;
    default:
      return `Recorded: reached out to ${row.customerName}.`;
  }
}
