import { buildWeeklyCard } from '../../cards/buildWeeklyCard';
import type { CustomerOutcome, WeeklyCardData } from '../../cards/cardModels';
import { type ParsedSubmit, parseCardSubmit } from '../../cards/cardSubmit';
import { chatSafe, endOfSentence } from '../../cards/format';
import {
  isDigest,
  outcomeOnCard,
  type RepCardData,
  renderRepCard,
  undoLeftToOnCard,
  valueKindOnCard,
  valueOnCard,
  withOutcome,
} from '../../cards/renderCard';
import { type RepNames, repName, repNamesOf } from '../../cards/repNames';
import { type RulesNow, rulesGetter } from '../../feed/keptRules';
import { teamWorksOn } from '../../jobs/schedule/holidays';
import type { DaysOff } from '../../jobs/schedule/scheduleConfig';
import { weeklyRunKey } from '../../jobs/schedule/weeklyRunDue';
import { type CardPageOptions, repCardData } from '../../jobs/weekly/weeklyCardFor';
import { emptyRepWeek, type RepWeek } from '../../jobs/weekly/weeklyLists';
import type { ListsNow, ListsNowRequest } from '../../jobs/weekly/weeklyPlan';
import { addressKey } from '../../rules/addresses';
import { localDate, localMonth, mondayOf, shiftMonth, zonedNow } from '../../rules/calendar';
import { type CustomerState, initialState } from '../../rules/customerState';
import { staleFeedWords } from '../../rules/feedFreshness';
import type { Rules } from '../../rules/rulesSchema';
import { nobodyListed } from '../../rules/segments';
import type { ActionSource, AuditRow } from '../../storage/auditRow';
import type { AuditStore } from '../../storage/auditStore';
import type { CardStore, SentCard } from '../../storage/cardStore';
import { saveSentCard } from '../../storage/cardStore';
import {
  type ConversationStore,
  conversationIdOf,
  type Rep,
  repAddresses,
} from '../../storage/conversationStore';
import { ConflictError } from '../../storage/errors';
import type { ListingStore } from '../../storage/listingStore';
import type { StateStore } from '../../storage/stateStore';
import type {
  ActionHandler,
  Actor,
  BotReply,
  CardJson,
  CommandRequest,
  Delivery,
  Log,
  SubmitRequest,
} from '../ports';
import { actionRulesFrom } from './actionRules';
import { type ActionRules, type Decision, type DecisionContext, isRepAction } from './actionTypes';
import { actionName, actionWords, type DateWording, dateWording, supersededWords } from './actionWords';
import {
  actionKey,
  cardMessageKey,
  deliveryKey,
  HISTORY_LIMIT,
  latestOpenAction,
  nextGeneration,
  openCardAction,
  rowOfDelivery,
  undoKey,
} from './auditHistory';
import {
  type AccessPolicy,
  authoriseOnCustomer,
  checkTenant,
  isAdmin,
  NO_EMAIL_YET,
  seesTeam,
} from './authorise';
import { currentAction } from './cardOutcome';
import {
  type CardChat,
  type ChatsRefreshRequest,
  chatsShowing,
  type RowNow,
  refreshChats,
  repNameFrom,
  rowShowing,
  weekStart,
} from './cardRefresh';
import { type CommitResult, commitDecision, finishInterrupted, finishRecorded } from './commitAction';
import { decideTap } from './decideTap';
import { decideUndo, selectUndoTarget } from './decideUndo';
import { type Lease, leasedWork, PLAN_MS_PER_CUSTOMER } from './leasedWork';
import { listsWithNotice } from './listNotice';
import {
  type AskedFor,
  BUSY,
  helpFor,
  MALFORMED_SUBMIT,
  movedToAnotherRep,
  NOTHING_TO_UNDO,
  PERSONAL_ONLY,
  pastLastPage,
  SUMMARY_FOR_MANAGERS,
  SUMMARY_NOT_AVAILABLE,
  UNKNOWN_CUSTOMER,
} from './replies';
import { isUndone, withStandingLoss } from './storedHistory';
import { type CardReader, ownerAddressesFrom, undoLeftToReader } from './undoOnCard';

/** The storage the actions read and write. */
export interface ActionStores {
  state: StateStore;
  audit: AuditStore;
  /**
   * The rep's stored email (the feed's `owner`) is looked up by Teams user id; every rep is listed
   * to name another rep ("now with Ana Ruiz") by the display name their install gave.
   */
  conversations: Pick<ConversationStore, 'getRep' | 'getRepByEmail' | 'listReps'>;
  cards: CardStore;
  /** Whose card each week listed the customer on: a save refreshes that rep's cards too (chatsShowing). */
  listings: Pick<ListingStore, 'read'>;
}

export interface ActionHandlerDeps {
  stores: ActionStores;
  /** The rules, or how to get the current ones (the deployed bot's follow the rules file as it changes). */
  rules: RulesNow;
  /** The team's IANA zone: "today" for lastContact, wonBackAt, lostAt. */
  timeZone: string;
  access: AccessPolicy;
  /** Injected for tests; default `() => new Date()`. */
  clock?: () => Date;
  /** Overrides of the value cap and note length. */
  actionRules?: Partial<ActionRules>;
  /** The monthly summary card of a month (`YYYY-MM`), or null when there is none; missing = not available yet. */
  summaryCard?: (month: string) => Promise<CardJson | null>;
  log?: Log;
  cardFormat?: { currency?: string; locale?: string };
  /**
   * The team's days off (HOLIDAYS less HOLIDAYS_WORKED, CLOSED_DAYS): the play's days on a `list`
   * card land on working days, as the weekly card's do. Missing: the rules' working weekdays only.
   */
  daysOff?: DaysOff;
  /**
   * The reps' lists as of a day, by the weekly run's own planning (jobs/weekly/weeklyPlan) over the
   * feed and the given states: `list` scores now, so it is right before the first weekly run too.
   * Missing (no feed wired): `list` says it cannot score and when the weekly list comes.
   */
  listsNow?: (at: ListsNowRequest) => Promise<ListsNow>;
  /**
   * Every customer's stored state as `list` reads them; default a whole read of the state table. The
   * deployed bot keeps them (storage/keptStates.ts): the same map while no row changed, which is what
   * lets a kept list be used again.
   */
  states?: () => Promise<ReadonlyMap<string, CustomerState>>;
  /**
   * When the weekly list comes to a rep, in words, from the zone their client last sent (none known:
   * the team's), e.g. "Mondays at 08:03 your time (America/Denver)": for `help`, and `list` without listsNow.
   */
  weeklySendText?: (rep: { timeZone?: string; now: Date }) => string;
  /** Overrides of the claim's lease and renewal on a message being worked out (leasedWork), for tests. */
  lease?: { ms?: number; renewMs?: number };
}

/**
 * The `list_page` button of a card: the bot answers with that page of the list, going on from the
 * row the button names (buttons sent before pages were cut by size name none), and the week of the
 * card it is on (`runKey`; buttons sent before name none).
 */
function pageOfSubmit(value: Record<string, unknown>): ListPageTap | null {
  if (value.action !== 'list_page' || value.v !== 1) return null;
  const page = Number(value.page);
  if (!Number.isInteger(page) || page < 1 || page > 999) return null;
  const start = Number(value.start);
  return {
    page,
    ...(Number.isInteger(start) && start >= 1 && start <= 100_000 ? { start } : {}),
    ...(typeof value.after === 'string' && value.after !== '' ? { after: value.after } : {}),
    ...(typeof value.runKey === 'string' ? { runKey: value.runKey } : {}),
  };
}

/** A `list_page` tap: the page asked for, and where the card tapped ended (its row, its last customer) in which week. */
interface ListPageTap {
  page: number;
  start?: number;
  after?: string;
  runKey?: string;
}

/** True when a rep recorded an action on the customer since `since` (`YYYY-MM-DD`). */
function actedSince(s: CustomerState, since: string): boolean {
  return [s.lastContact, s.wonBackAt, s.lostAt].some((d) => d !== null && d.slice(0, 10) >= since);
}

/**
 * The rep's customers acted on since `weekStart`: `list` judges them as before the action
 * (putBack), as the weekly card did, so they keep their place and show the outcome.
 */
function actedThisWeek(
  states: ReadonlyMap<string, CustomerState>,
  addresses: readonly string[],
  weekStart: string,
): CustomerState[] {
  return [...states.values()].filter(
    (s) => addresses.includes(addressKey(s.owner)) && actedSince(s, weekStart),
  );
}

/** Which card a tap was made on, as the customer's timeline names it. */
function sourceOfCard(data: RepCardData): ActionSource {
  return isDigest(data) ? 'digest' : (data.kind ?? 'weekly');
}

const LIST_WORDS: AskedFor = { words: 'your list', command: 'list' };
const SUMMARY_WORDS: AskedFor = { words: 'the summary', command: 'summary' };

/** Builds the product's ActionHandler: card taps and text commands. */
export function createActionHandler(deps: ActionHandlerDeps): ActionHandler {
  return new ChurnActionHandler(deps);
}

/** Handles card taps (validate, authorise, write audit then state, update the card) and commands. */
export class ChurnActionHandler implements ActionHandler {
  private readonly rulesNow: () => Promise<Rules>;
  private readonly clock: () => Date;
  /** Dates in replies are worded as on the cards. */
  private readonly locale: string;
  /** The cards' currency: amounts typed are read in it, and recorded ones replayed in it. */
  private readonly currency: string;

  constructor(private readonly deps: ActionHandlerDeps) {
    this.rulesNow = rulesGetter(deps.rules);
    this.clock = deps.clock ?? (() => new Date());
    this.locale = deps.cardFormat?.locale ?? 'en-US';
    this.currency = deps.cardFormat?.currency ?? 'USD';
  }

  async submit(request: SubmitRequest): Promise<BotReply> {
    const page = pageOfSubmit(request.value);
    if (page !== null) {
      const tenant = checkTenant(request.actor.tenantId, this.deps.access);
      if (tenant) return { text: tenant.message };
      return request.conversationKind === 'personal'
        ? this.leased(request.delivery, LIST_WORDS, (lease) =>
            this.list(request.actor, page, request.say, lease),
          )
        : { text: PERSONAL_ONLY };
    }
    const parsed = parseCardSubmit(request.value);
    if (!parsed) return { text: MALFORMED_SUBMIT };
    const tenant = checkTenant(request.actor.tenantId, this.deps.access);
    if (tenant) return { text: tenant.message };
    return this.act(request, parsed, 1, await this.actionRules());
  }

  /** When the weekly list comes to this rep, in words (weeklySendText), or undefined when not configured. */
  private async weeklySendTextFor(actor: Actor): Promise<string | undefined> {
    if (!this.deps.weeklySendText) return undefined;
    const rep = await this.deps.stores.conversations.getRep(actor.userId);
    return this.deps.weeklySendText({ timeZone: rep?.timeZone, now: this.clock() });
  }

  async command(request: CommandRequest): Promise<BotReply> {
    if (request.command === 'help')
      return { text: helpFor(request.unrecognised, await this.weeklySendTextFor(request.actor)) };
    const tenant = checkTenant(request.actor.tenantId, this.deps.access);
    if (tenant) return { text: tenant.message };
    switch (request.command) {
      case 'summary':
        // The whole team's figures, as the team tab shows them: managers and admins only.
        return seesTeam(request.actor.userId, this.deps.access)
          ? this.leased(request.delivery, SUMMARY_WORDS, () => this.summary())
          : { text: SUMMARY_FOR_MANAGERS };
      case 'list':
        return request.conversationKind === 'personal'
          ? this.leased(request.delivery, LIST_WORDS, (lease) =>
              this.list(request.actor, { page: request.page ?? 1 }, request.say, lease),
            )
          : { text: PERSONAL_ONLY };
      case 'undo':
        return request.conversationKind === 'personal'
          ? this.once(request.delivery, () => this.undoLast(request.actor))
          : { text: PERSONAL_ONLY };
    }
  }

  /**
   * A message that writes (`undo`) is answered once per delivery (ports.ts Delivery): the message
   * is claimed in the card table before any work, so a delivery of it again, whether the first is
   * still being worked out (here or on another instance) or long answered, posts nothing. Claimed
   * first, a first delivery cut short by a crash is not done again either: an undo may have been
   * recorded before the crash, and doing it again would undo the action before it. A message
   * without an id is answered every time.
   */
  private async once(delivery: Delivery | undefined, work: () => Promise<BotReply>): Promise<BotReply> {
    if (!delivery) return work();
    if (await this.deps.stores.cards.claimDelivery(delivery.conversationId, delivery.activityId))
      return work();
    this.deps.log?.info('a message delivered again: answered already, nothing sent', {
      activityId: delivery.activityId,
    });
    return {};
  }

  /**
   * A message that only reads and posts (`list`, a page, `summary`) is claimed with a lease
   * (leasedWork): a delivery again while it is worked out is told so, one after a crash cut the work
   * short works it out anew, and the answer is still sent once.
   */
  private async leased(
    delivery: Delivery | undefined,
    what: AskedFor,
    work: (lease?: Lease) => Promise<BotReply>,
  ): Promise<BotReply> {
    if (!delivery) return work();
    return leasedWork(
      delivery,
      {
        cards: this.deps.stores.cards,
        what,
        ...(this.deps.lease?.ms ? { leaseMs: this.deps.lease.ms } : {}),
        ...(this.deps.lease?.renewMs ? { renewMs: this.deps.lease.renewMs } : {}),
        ...(this.deps.log ? { log: this.deps.log } : {}),
      },
      work,
    );
  }

  /**
   * One card tap; `attempt` 2 is the re-run after losing a race. `rules` are read once for the whole
   * tap: a rules file taken between the decision and the commit (a dropped loss reason, other snooze
   * days) would otherwise decide the row under one version and replay it under another.
   */
  private async act(
    request: SubmitRequest,
    parsed: ParsedSubmit,
    attempt: number,
    rules: ActionRules,
  ): Promise<BotReply> {
    const { submit, inputs } = parsed;
    const { actor } = request;
    // Independent reads at once: a tap should cost one round trip before anything is decided.
    let [read, rep, history, tapped] = await Promise.all([
      this.deps.stores.state.get(submit.customerId),
      this.deps.stores.conversations.getRep(actor.userId),
      this.history(submit.customerId),
      this.tappedCard(request),
    ]);
    const shown = tapped ? outcomeOnCard(tapped.data, submit.customerId) : undefined;
    const auth = read && this.authorise(actor, rep, read.state);
    if (!read || !auth?.ok) {
      // The feed moved the customer to another rep after this card listed them for this one: the
      // card in their own chat proves they were shown the name, so they are told where it went.
      if (read && rep?.email && shown !== undefined)
        return { text: await this.movedToAnotherRep(read.state) };
      // Someone else's customer is answered exactly as an unknown one (a forged tap must not learn
      // that the id exists, or its name); without an email nobody's customer can be told apart.
      const noEmail = !rep?.email && !isAdmin(actor.userId, this.deps.access);
      return { text: noEmail ? NO_EMAIL_YET : UNKNOWN_CUSTOMER };
    }
    // An action elsewhere whose state write was cut short is finished first: this tap is decided on it.
    const finished = await finishInterrupted(
      this.deps.stores,
      history,
      read.state,
      this.commitOptions(rules),
    );
    if (finished) {
      ({ read, history } = finished);
      if (!read) return { text: UNKNOWN_CUSTOMER };
    }
    const current = read.state;
    history = await withStandingLoss(this.deps.stores.audit, current, history);
    // Teams always sends the card's message id; without one, the chat and week stand in for it.
    const messageId = cardMessageKey(request.replyToId ?? `chat:${request.conversationId}|${submit.runKey}`);
    const deliveryId = request.delivery ? deliveryKey(request.delivery) : null;
    const ctx = {
      ...this.context(current, actor, '', messageId, rep ? repAddresses(rep) : []),
      source: tapped ? sourceOfCard(tapped.data) : null,
      deliveryId,
      shownValueKind: tapped ? valueKindOnCard(tapped.data, submit.customerId) : undefined,
      shownValue: tapped ? valueOnCard(tapped.data, submit.customerId) : undefined,
    };
    // The same tap delivered again (auditHistory.ts): when the card no longer shows what it wrote (it
    // was undone since, or it was an Undo), it records nothing and the card is shown as it stands.
    // While the card still shows it, the same-button path below finishes it, as for a double tap.
    // The re-run after a lost race is this delivery's own, its cancelled row no sign of a second one.
    const delivered = attempt === 1 && deliveryId !== null ? rowOfDelivery(history, deliveryId) : null;
    if (delivered && openCardAction(history, messageId)?.id !== delivered.id) {
      this.deps.log?.info('a tap delivered again: nothing recorded', { rowId: delivered.id });
      return tapped ? { updateCard: renderRepCard(tapped.data) } : {};
    }

    if (submit.action === 'undo') {
      const card = { messageId, shown, ...(submit.shown ? { shownKey: submit.shown } : {}) };
      const selected = selectUndoTarget(history, current.name, card, ctx);
      if (!selected.ok) {
        // Another action came after the one the card shows (taken on another card): the card is
        // brought up to date beside the refusal, so it shows the action its Undo can reverse.
        if (!selected.gone) {
          const updated = await this.updateCard(request, current, await this.rowNow(current), rep);
          return updated ? { updateCard: updated, text: selected.message } : { text: selected.message };
        }
        // What the card shows is undone already (Undo tapped again, or undone elsewhere). Finish that
        // undo if a crash cut it short (it writes only while the state is still as before it), then
        // show the card without the outcome.
        if (selected.undo) await finishRecorded(this.deps.stores, selected.undo, this.commitOptions(rules));
        const updated = await this.updateCard(request, current, await this.rowNow(current), rep);
        return updated ? { updateCard: updated, text: selected.message } : { text: selected.message };
      }
      const decision = decideUndo(
        { ...ctx, key: undoKey(selected.target.id) },
        rules,
        selected.target,
        isAdmin(actor.userId, this.deps.access),
      );
      return this.commit(decision, { request, rep }, parsed, attempt, rules);
    }

    const open = openCardAction(history, messageId);
    if (open) {
      if (open.action !== submit.action) {
        return {
          text: `${chatSafe(current.name)} is already marked ${actionWords(open, ctx)} on this card. Tap Undo first to change it.`,
        };
      }
      // The same button again (a double tap, or a retry after a failure): finish it, change nothing twice.
      const result = await finishRecorded(this.deps.stores, open, this.commitOptions(rules));
      return this.reply(result, { request, rep }, parsed, attempt, rules);
    }
    const key = actionKey(messageId, current.customerId, submit.action, nextGeneration(history, messageId));
    const decided = { ...ctx, key, history };
    return this.commit(
      decideTap(submit.action, decided, rules, inputs),
      { request, rep },
      parsed,
      attempt,
      rules,
    );
  }

  /** Records a tap's decision and answers it, with the tapping rep as read for the tap (not read again). */
  private async commit(
    decision: Decision,
    tapper: Tapper,
    parsed: ParsedSubmit,
    attempt: number,
    rules: ActionRules,
  ): Promise<BotReply> {
    if (!decision.ok) return { text: decision.message };
    const result = await commitDecision(this.deps.stores, decision, this.commitOptions(rules));
    return this.reply(result, tapper, parsed, attempt, rules);
  }

  /** Turns a commit into the answer: the card updated in place, or words. */
  private async reply(
    result: CommitResult,
    { request, rep }: Tapper,
    parsed: ParsedSubmit,
    attempt: number,
    rules: ActionRules,
  ): Promise<BotReply> {
    const { row } = result;
    if (result.kind === 'undone') {
      return { text: `${chatSafe(row.customerName)}: that was already undone. Nothing was changed.` };
    }
    if (result.kind === 'superseded') {
      return { text: supersededWords(result, request.actor.userId, this.dateWording()) };
    }
    if (result.kind === 'conflict') {
      if (attempt > 1) return { text: BUSY };
      const winner = latestOpenAction(await this.history(row.customerId));
      const who =
        winner && winner.id !== row.id
          ? winner.actorId === request.actor.userId
            ? 'You'
            : chatSafe(winner.actorName) || 'Someone else'
          : 'Someone else';
      const again = await this.act(request, parsed, attempt + 1, rules);
      if (again.updateCard && !again.text) return again;
      // Refused on the second try: the words say why, beside the card brought up to date if it was.
      return {
        ...(again.updateCard ? { updateCard: again.updateCard } : {}),
        text: `${who} changed ${chatSafe(row.customerName)} at the same moment. ${again.text ?? ''}`.trim(),
      };
    }
    // After an undo the row shows what stands before it (a Reached out under an undone Won back).
    const customer = { customerId: row.customerId, owner: row.owner, name: row.customerName };
    const shown = row.action === 'undo' ? await this.rowNow(customer) : this.rowOf(row, customer);
    const { outcome } = shown;
    const [card, undone] = await Promise.all([
      this.updateCard(request, customer, shown, rep),
      isRepAction(row.action) || !row.undoes
        ? this.rememberForUndo(request.actor.userId, row).then(() => null)
        : this.deps.stores.audit.get(row.customerId, row.undoes),
    ]);
    // The tap's own chat (cards are kept in 1:1 chats only), answered through its turn.
    const tapChat =
      request.conversationKind === 'personal' && request.conversationId !== null
        ? {
            conversationId: request.conversationId,
            repUserId: request.actor.userId,
            email: rep?.email ?? '',
            upn: rep?.upn ?? '',
            reference: null,
          }
        : null;
    const refreshCards = await this.refreshOtherCards(
      { userId: request.actor.userId, chat: tapChat },
      row.owner,
      {
        customerId: row.customerId,
        outcome,
        undo: shown.undo,
        except:
          tapChat && request.replyToId
            ? { conversationId: tapChat.conversationId, messageId: request.replyToId }
            : null,
        // The card the undone action was tapped on, whatever its week.
        also: tappedOn(undone),
      },
    );
    const done = row.action === 'undo' ? 'Undone' : `Recorded ${actionName(row.action)}`;
    const words = `${done}: ${chatSafe(row.customerName)}.`;
    const others = refreshCards.length > 0 ? { refreshCards } : {};
    return card ? { updateCard: card, ifNotUpdated: words, ...others } : { text: words, ...others };
  }

  /** What this week's cards show on the customer's row now (currentAction), and who may undo it. */
  private async rowNow(customer: RowCustomer): Promise<RowNow> {
    const since = weekStart(this.clock(), this.deps.timeZone);
    return this.rowOf(
      currentAction(await this.history(customer.customerId), this.deps.timeZone, since),
      customer,
    );
  }

  /** A row showing `standing`'s outcome (null: the buttons), and what decides whom each reader's card leaves its Undo to. */
  private rowOf(standing: AuditRow | null, customer: RowCustomer): RowNow {
    const undo = {
      customer: { owner: customer.owner, name: customer.name },
      policy: this.deps.access,
      repName: repNameFrom(this.deps.stores.conversations),
      ownerAddresses: ownerAddressesFrom(this.deps.stores.conversations),
    };
    return rowShowing(standing, undo, this.deps.timeZone);
  }

  /**
   * Every other saved card, from this week's run on, that lists the customer in the saver's chat, the
   * owning rep's and that of the rep this week's card lists them for (chatsShowing): its data set to
   * what the customer shows now, and the newest rendered to replace in Teams. The action is recorded
   * by now: a failure here (the store out, a malformed card row) is logged and leaves those cards to
   * their next tap, rather than turning the recorded tap's answer into an error.
   */
  private async refreshOtherCards(
    saver: { userId: string; chat: CardChat | null },
    owner: string,
    request: Omit<ChatsRefreshRequest, 'now' | 'timeZone'>,
  ): Promise<NonNullable<BotReply['refreshCards']>> {
    const { cards } = this.deps.stores;
    const { log, timeZone } = this.deps;
    try {
      const now = this.clock();
      const customer = { customerId: request.customerId, owner };
      const chats = await chatsShowing(this.deps.stores, saver, customer, {
        now,
        timeZone,
        ...(log ? { log } : {}),
      });
      return await refreshChats(cards, chats, { ...request, now, timeZone }, log);
    } catch (error) {
      log?.warn('cards showing the customer not refreshed after a tap', {
        customerId: request.customerId,
        error: error instanceof Error ? error.message : String(error),
      });
      return [];
    }
  }

  /**
   * Keeps the action among the user's recent ones (what a typed `undo` reverses). The action itself
   * is recorded by now: losing this write to the user's own other taps every time is logged, and the
   * tap is still answered with its outcome rather than an apology.
   */
  private async rememberForUndo(userId: string, row: AuditRow): Promise<void> {
    try {
      await this.deps.stores.cards.pushRecentAction(userId, { customerId: row.customerId, rowId: row.id });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      this.deps.log?.warn('recent actions not updated: too many concurrent taps', { rowId: row.id });
    }
  }

  /**
   * Sets one customer's row on the tapped card's stored data as it is now, its Undo shown only if the
   * tapper (`rep`) may use it, and renders it; null when the card is unknown, from another
   * conversation, or does not list the customer.
   */
  private async updateCard(
    request: Pick<SubmitRequest, 'replyToId' | 'conversationId' | 'actor'>,
    customer: RowCustomer,
    { outcome, undo }: RowNow,
    rep: Rep | null,
  ): Promise<CardJson | null> {
    if (!request.replyToId) return null;
    const reader = { userId: request.actor.userId, email: rep?.email ?? '', upn: rep?.upn ?? '' };
    const undoLeftTo = outcome ? await undoLeftToReader(reader, undo) : undefined;
    return this.updateStoredCard(
      request.replyToId,
      customer.customerId,
      outcome,
      request.conversationId,
      undoLeftTo,
    );
  }

  /** The tapped card as the bot saved it; null when it is not known in that chat. */
  private async tappedCard(
    request: Pick<SubmitRequest, 'replyToId' | 'conversationId'>,
  ): Promise<SentCard | null> {
    if (!request.replyToId || request.conversationId === null) return null;
    return this.deps.stores.cards.get(request.conversationId, request.replyToId);
  }

  private async updateStoredCard(
    messageId: string,
    customerId: string,
    outcome: CustomerOutcome | null,
    conversationId: string | null,
    undoLeftTo?: string,
  ): Promise<CardJson | null> {
    // Cards are keyed by conversation and message: a replyToId from another chat (forged) finds nothing.
    if (conversationId === null) return null;
    let applies = false;
    try {
      const saved = await this.deps.stores.cards.update(conversationId, messageId, (card) => {
        const data = withOutcome(card.data, customerId, outcome, undoLeftTo);
        if (!data) return null;
        applies = true;
        const before = outcomeOnCard(card.data, customerId) ?? null;
        const sameUndo = undoLeftToOnCard(card.data, customerId) === undoLeftToOnCard(data, customerId);
        if (JSON.stringify(before) === JSON.stringify(outcome) && sameUndo) return null; // already shown: no write
        return { ...card, data };
      });
      return saved && applies ? renderRepCard(saved.data) : null;
    } catch (err) {
      // The action is recorded; a card that kept losing its own ETag race is only cosmetic.
      if (err instanceof ConflictError) {
        this.deps.log?.warn('card not updated: too many concurrent taps', { messageId });
        return null;
      }
      throw err;
    }
  }

  /** `undo` typed in the chat: the user's own latest action that still stands. */
  private async undoLast(actor: Actor): Promise<BotReply> {
    const { audit, cards, state } = this.deps.stores;
    let target: AuditRow | null = null;
    for (const recent of await cards.recentActions(actor.userId)) {
      const row = await audit.get(recent.customerId, recent.rowId);
      if (!row || (await isUndone(audit, row))) continue;
      target = row;
      break;
    }
    if (!target) return { text: NOTHING_TO_UNDO };
    const [read, rep] = await Promise.all([
      state.get(target.customerId),
      this.deps.stores.conversations.getRep(actor.userId),
    ]);
    if (!read) return { text: UNKNOWN_CUSTOMER };
    // A customer the feed has moved to another rep since is theirs to undo on, as on the cards.
    const auth = this.authorise(actor, rep, read.state);
    if (!auth.ok) return { text: await this.movedToAnotherRep(read.state) };
    // One version of the rules for finishing, deciding and committing, as for a tap.
    const rules = await this.actionRules();
    let history = await this.history(target.customerId);
    let current = read.state;
    // An action or Undo whose state write was cut short is finished first, as before a tap.
    const finished = await finishInterrupted(this.deps.stores, history, current, this.commitOptions(rules));
    if (finished) {
      if (!finished.read) return { text: UNKNOWN_CUSTOMER };
      [current, history] = [finished.read.state, finished.history];
    }
    history = await withStandingLoss(this.deps.stores.audit, current, history);
    const latest = latestOpenAction(history);
    const wording = this.dateWording();
    if (!latest || latest.id !== target.id) {
      const newer = latest
        ? `: since then ${chatSafe(latest.actorName) || 'someone'} recorded ${actionWords(latest, wording)}`
        : '';
      // The sentence may end with a date that ends with its own full stop (de-DE `24. Nov.`).
      const refused = `Your last action, ${actionWords(target, wording)} on ${chatSafe(target.customerName)}, can no longer be undone${newer}`;
      return { text: `${endOfSentence(refused)} Nothing was changed.` };
    }
    const ctx = this.context(current, actor, undoKey(target.id), null, rep ? repAddresses(rep) : []);
    const decision = decideUndo(ctx, rules, target, isAdmin(actor.userId, this.deps.access));
    if (!decision.ok) return { text: decision.message };
    const result = await commitDecision(this.deps.stores, decision, this.commitOptions(rules));
    if (result.kind === 'conflict' || result.kind === 'superseded') return { text: BUSY };
    if (result.kind === 'undone') return { text: NOTHING_TO_UNDO };
    // The card the action was tapped on, and every other card of this week showing the customer, are
    // replaced, so none goes on saying what the reply says is undone. Cards are sent to the rep's 1:1
    // chat: that is the conversation they are kept under.
    const chat = rep ? conversationIdOf(rep.reference) : null;
    const refreshCards = await this.refreshOtherCards(
      {
        userId: actor.userId,
        chat:
          rep && chat
            ? {
                conversationId: chat,
                repUserId: actor.userId,
                email: rep.email,
                upn: rep.upn,
                reference: rep.reference,
              }
            : null,
      },
      current.owner,
      { customerId: target.customerId, ...(await this.rowNow(current)), also: tappedOn(target) },
    );
    return {
      ...(refreshCards.length > 0 ? { refreshCards } : {}),
      // The customer first and the action after ("Undone on X: "lost" on Tue 24 Nov"), not two "on"s
      // in a row; the sentence may end with a date that ends with its own full stop (de-DE `24. Nov.`).
      text: `${endOfSentence(`Undone on ${chatSafe(target.customerName)}: ${actionWords(target, wording)}`)} It is back as it was before.`,
    };
  }

  /**
   * `list` (and its pages): the rep's list as of now, by the weekly run's own planning, as a card that
   * is saved so a tap updates it in place. Customers the rep acted on this week stay on it with their
   * outcome, as on the weekly card. A list that takes a while is announced first through `say`
   * (listNotice.ts); the card then comes as it would have.
   */
  private async list(
    actor: Actor,
    tap: ListPageTap,
    say?: (text: string) => Promise<void>,
    lease?: Lease,
  ): Promise<BotReply> {
    const { page } = tap;
    const rep = await this.deps.stores.conversations.getRep(actor.userId);
    if (!rep?.email) {
      return {
        text: 'I do not know your email address yet, so I cannot tell which customers are yours. Reinstall the app in our chat.',
      };
    }
    const { listsNow } = this.deps;
    if (!listsNow) {
      const text = this.deps.weeklySendText?.({ timeZone: rep.timeZone, now: this.clock() });
      const when = text ? ` Your list comes on ${text}.` : '';
      return { text: `I cannot read the order feed from here, so I cannot score your list now.${when}` };
    }
    const now = this.clock();
    const today = localDate(now, this.deps.timeZone);
    const runKey = weeklyRunKey(zonedNow(now, this.deps.timeZone));
    const addresses = repAddresses(rep);
    const states = await (this.deps.states ? this.deps.states() : this.deps.stores.state.getAll());
    const acted = actedThisWeek(states, addresses, mondayOf(today));
    const request = {
      localDate: today,
      runKey,
      states,
      asBefore: acted.map((s) => s.customerId),
      locale: this.locale,
    };
    // Planning holds the thread, so the claim cannot be renewed during it: held for the plan first.
    const holdForPlan = lease && ((customers: number) => lease.holdFor(customers * PLAN_MS_PER_CUSTOMER));
    const lists = await listsWithNotice(listsNow, request, say, this.deps.log, holdForPlan);
    if ('stale' in lists) {
      // Scored from an export that stopped, every customer would look late: no list, as on Monday.
      return {
        text:
          `${staleFeedWords(lists.stale, today, this.locale)} ` +
          'Scored now, every customer would look late, so there is no list until the feed is updated. The weekly run stops on it too and tells your admins.',
      };
    }
    const { weeks, horizonDays, owners } = lists;
    // The feed names the rep by their email or their sign-in name: whichever it uses is their list.
    const owner = addresses.find((a) => owners.has(a)) ?? rep.email;
    // Owning no customer is not "nobody slipping": an owner column that names the rep another way
    // (an alias, a typo) would otherwise keep their whole book off their list without a word.
    if (!owners.has(owner)) {
      return {
        text: `No customer in the order feed has you (${chatSafe(addresses.join(' or ') || owner)}) as their owner, so you have no list. If some are yours, ask an admin to check the owner column of the customers export.`,
      };
    }
    const week = weeks.find((w) => w.owner === owner) ?? emptyRepWeek(owner);
    // The row a card of an earlier week ended at is no place in this week's list: its pages count from the top.
    const sameWeek = tap.runKey === undefined || tap.runKey === runKey;
    const rules = await this.rulesNow();
    const options: CardPageOptions = {
      page,
      ...(tap.start !== undefined && sameWeek ? { start: tap.start } : {}),
      ...(tap.after !== undefined && sameWeek ? { after: tap.after } : {}),
      kind: 'list',
      date: today,
      horizonDays,
      ...this.deps.cardFormat,
      worksOn: teamWorksOn(this.deps.daysOff ?? {}, rules.followUps.workingDays),
      // Every rep is read only for a list that names one (a customer moved from another rep).
      ...([...week.changes.values()].some((c) => c.kind === 'new' && c.from !== undefined)
        ? { repNames: await this.repNames() }
        : {}),
    };
    const data = repCardData(week, rules, runKey, options);
    // A page past the end would quietly show the last page, which reads as if `list 9` were ignored.
    const pageCount = data.page?.pageCount ?? 1;
    const listed = week.shown.length + week.overflow.length;
    if (page > pageCount && listed > 0) return { text: pastLastPage(page, pageCount, listed, this.locale) };
    if (data.customers.length === 0 && page === 1 && !data.backOnTrack) {
      return {
        text: `${nobodyListed('right now')} I scored your customers from the order feed just now.`,
      };
    }
    await this.storeListedRows(week, data, states, addresses);
    await this.showOutcomes(data, acted, { userId: actor.userId, email: rep.email, upn: rep.upn });
    return {
      savedCard: {
        card: buildWeeklyCard(data) as CardJson,
        onSent: (messageId, conversationId) =>
          saveSentCard(this.deps.stores.cards, messageId, actor.userId, data, {
            conversationId,
            now: this.clock(),
          }),
      },
    };
  }

  /**
   * Gives every customer on the list a state row under this rep, which a tap on it needs. Before the
   * first weekly run a listed customer may have no row yet. A customer the feed moved to this rep
   * since the weekly run stored them is still another rep's row, which the buttons go by: the row
   * follows the feed the list was scored from, as Monday's run would, so the new owner's taps count
   * and the old owner's card says the customer moved. Their weeks on the other rep's list are not
   * this rep's: the row is left as bare as a new customer's, so Monday's card says "New on your
   * list", not "Still on your list (week 3)" (that run no longer sees the move, the row naming this
   * rep by then). A row stored under this rep's other address (email or sign-in name) is theirs already.
   */
  private async storeListedRows(
    week: RepWeek,
    data: WeeklyCardData,
    states: ReadonlyMap<string, CustomerState>,
    addresses: readonly string[],
  ): Promise<void> {
    const theirs = (stored: string) => addresses.includes(addressKey(stored));
    for (const row of data.customers) {
      const stored = states.get(row.customerId);
      const c = [...week.shown, ...week.overflow].find((x) => x.customerId === row.customerId);
      if (!c || (stored && theirs(stored.owner))) continue;
      await this.deps.stores.state.update(c.customerId, (current) => {
        if (current)
          return theirs(current.owner)
            ? null
            : { ...current, owner: c.owner, surfacedAt: null, listedAt: null, segment: null };
        return {
          ...initialState({
            customerId: c.customerId,
            name: c.name,
            owner: c.owner,
            monthlyValue: c.monthlyValue,
          }),
          score: c.score,
          band: c.band,
          reasons: c.reasons,
        };
      });
    }
  }

  /**
   * The outcome of the action this week on each listed customer acted on, as the weekly card shows it
   * and a tap's refresh sets it (rowNow: none taken before this week's Monday), its Undo offered only
   * when the reader (the rep asking) may use it.
   */
  private async showOutcomes(
    data: WeeklyCardData,
    acted: readonly CustomerState[],
    reader: CardReader,
  ): Promise<void> {
    for (const row of data.customers) {
      const state = acted.find((s) => s.customerId === row.customerId);
      if (!state) continue;
      const { outcome, undo } = await this.rowNow(state);
      const undoLeftTo = outcome ? await undoLeftToReader(reader, undo) : undefined;
      row.outcome = outcome;
      if (undoLeftTo) row.undoLeftTo = undoLeftTo;
    }
  }

  /** `summary`: last month's summary card, when the summary is wired. */
  private async summary(): Promise<BotReply> {
    if (!this.deps.summaryCard) return { text: SUMMARY_NOT_AVAILABLE };
    const month = shiftMonth(localMonth(this.clock(), this.deps.timeZone), -1);
    const card = await this.deps.summaryCard(month);
    return card ? { cards: [card] } : { text: `There is no summary for ${month} yet.` };
  }

  /** May the actor act on the customer: the owner by the addresses their install stored, or an admin. */
  private authorise(actor: Actor, rep: Rep | null, customer: CustomerState) {
    return authoriseOnCustomer(
      { userId: actor.userId, email: rep?.email || null, upn: rep?.upn || null },
      customer.owner,
      chatSafe(customer.name),
      this.deps.access,
    );
  }

  /** Every stored rep's display name, to name another rep to this one. */
  private async repNames(): Promise<RepNames> {
    return repNamesOf(await this.deps.stores.conversations.listReps());
  }

  /** The reply to a rep whose customer the feed moved to another rep, who is named as Teams names them. */
  private async movedToAnotherRep(state: CustomerState): Promise<string> {
    return movedToAnotherRep(state.name, repName(await this.repNames(), state.owner));
  }

  private async history(customerId: string): Promise<AuditRow[]> {
    return this.deps.stores.audit.latestForCustomer(customerId, { limit: HISTORY_LIMIT });
  }

  private context(
    current: CustomerState,
    actor: Actor,
    key: string,
    cardMessageId: string | null,
    addresses: readonly string[],
  ): DecisionContext {
    const now = this.clock();
    return {
      current,
      actor: { userId: actor.userId, name: actor.name, addresses },
      today: localDate(now, this.deps.timeZone),
      timeZone: this.deps.timeZone,
      locale: this.locale,
      // Teams renders the bot's replies as markdown: names from the feed and from Teams are escaped.
      showText: chatSafe,
      currency: this.currency,
      at: now.toISOString(),
      key,
      cardMessageId,
    };
  }

  /** How this answer words dates: the team's zone, the cards' locale, and today. */
  private dateWording(): DateWording {
    return dateWording(this.clock(), this.deps.timeZone, this.locale, chatSafe);
  }

  /** The action bounds of the current rules (loss reasons, snooze days). */
  private async actionRules(): Promise<ActionRules> {
    return actionRulesFrom(await this.rulesNow(), this.deps.actionRules);
  }

  /** What a commit needs, under the rules the tap was decided by. */
  private commitOptions(rules: ActionRules) {
    return { rules, timeZone: this.deps.timeZone, currency: this.currency, at: this.clock().toISOString() };
  }
}

/** The card an action was tapped on, and whose chat it is in (the 1:1 chat of the one who tapped it). */
function tappedOn(row: AuditRow | null): { messageId: string; repUserId: string } | null {
  return row?.cardMessageId ? { messageId: row.cardMessageId, repUserId: row.actorId } : null;
}

/** A tap and the tapping rep as read for it (null: no install stored). */
interface Tapper {
  request: SubmitRequest;
  rep: Rep | null;
}

/** The customer whose row a card shows: whose it is (the owner now) and their name. */
type RowCustomer = Pick<CustomerState, 'customerId' | 'owner' | 'name'>;
