/**
 * The tab API's answers, shared by the HTTP functions and the tabs' front end (type-only: the front
 * end imports nothing else from the back end).
 */

/** How a customer shows on "My customers" (see customerKinds.ts). */
export type CustomerKind =
  | 'slipping'
  | 'new_not_back'
  | 'watch'
  | 'not_back_yet'
  | 'lapsed'
  /** Listed (slipping, new and not back yet, lapsed) and ordered since: the weekly run's kind is out of date. */
  | 'ordered_since'
  | 'won_back'
  | 'lost'
  | 'steady'
  /**
   * In the feed with orders none of which was read (all in another currency, voided, bad rows): not
   * "no orders yet", which says they never ordered. Their row's reason says what happened.
   */
  | 'orders_not_read'
  /**
   * In the feed with every order they placed refunded in full (no order left, as a cancelled one):
   * not "no orders yet" either. Their row's reason says when they ordered and were refunded.
   */
  | 'refunded_in_full'
  /** In the feed with no order yet (a new account, a prospect): not "steady", which says they order. */
  | 'no_orders'
  /** A stored customer today's feed no longer holds (deleted, merged, or a changed id). */
  | 'not_in_feed';

/** A rep action the tab offers, as the card does. */
export type TabAction = 'reached_out' | 'won_back' | 'lost' | 'undo';

export interface CustomerRow {
  customerId: string;
  name: string;
  owner: string;
  kind: CustomerKind;
  band: 'steady' | 'watch' | 'at_risk';
  /**
   * 0-100, rounded: today's scoring's, as `score` and the chance beside it (a save does not reset it
   * here). Null for a customer the feed no longer scores whose stored score a save reset.
   */
  score: number | null;
  /** Per month, or for a one-visit customer what another order is worth (valueKind), as on the card. */
  monthlyValue: number;
  valueKind: 'monthly' | 'second_order';
  /** Value × chance of no order in the scoring's horizon: the card's and the CLI's figure. */
  valueAtRisk: number;
  /** That chance of no order as the card states it (the CLI's listChance as a whole percent, 1-99, here 0-1); null for a customer the feed no longer holds or with no order yet. */
  noOrderChance: number | null;
  daysSinceLastOrder: number | null;
  reasons: string[];
  status: 'active' | 'lost';
  lastContact: string | null;
  wonBackAt: string | null;
  lostAt: string | null;
  lostReason: string | null;
}

export interface MeResponse {
  user: { userId: string; name: string; email: string };
  /** Admins and managers see every rep's customers. */
  seesAll: boolean;
  /** The addresses the feed may name this user by as a customer's owner: their own customers, a manager's too. */
  addresses: string[];
  role: 'rep' | 'manager' | 'admin';
}

export interface CustomersResponse {
  asOf: string;
  /** The locale the tab writes dates and numbers in: the cards' (LOCALE), whatever the Teams client's. */
  locale: string;
  /** Set when the order feed has had no order for longer than the book is ever quiet: a warning in words. */
  staleFeed: string | null;
  /** A newer read of the order feed is under way (a new export, the weekly run's read): the figures are of the last one read. */
  feedBeingRead: boolean;
  /** The book's currency (ISO 4217): every amount is in it. */
  currency: string;
  /** Whose customers: the rep's email, or null for everyone (managers). */
  owner: string | null;
  /** For managers and admins, the reps whose customers they may pick, by name; empty for a rep. */
  reps: { owner: string; name: string }[];
  /** Whose customers these are, as the request chose or (none chosen) the manager's own when they have any. */
  whose: 'mine' | 'everyone' | `owner:${string}`;
  /** The days each row's chance of no order looks ahead (the card's horizon), as the list states it. */
  horizonDays: number;
  /** Customers of `whose`, searched or not. */
  total: number;
  /** Of them, those the search finds (all when nothing is searched). */
  matches: number;
  /** The matches by kind, in the tab's order: each group's count, and its first rows as asked. */
  groups: CustomerListGroup[];
}

export interface CustomerListGroup {
  kind: CustomerKind;
  count: number;
  rows: CustomerRow[];
}

export interface CustomerFacts {
  orders: number;
  spend: number;
  firstOrder: string | null;
  lastOrder: string | null;
  /** Last order + the customer's typical gap; null with fewer than two orders. */
  expectedNextOrder: string | null;
  typicalGapDays: number | null;
  openTickets: number;
  /**
   * The value window (windows.valueDays) for a customer with no order in it, whom the gates keep off
   * every list (silent_past_value_window); null otherwise.
   */
  noOrderInValueDays: number | null;
}

export interface TimelineEntry {
  /** Unique within one customer's timeline. */
  id: string;
  /** ISO date or date-time: the order within a day (a tap's instant). */
  at: string;
  /**
   * `YYYY-MM-DD` on the team's calendar, the date to show: a tap's UTC instant can fall on the next
   * day in UTC (18:00 in Los Angeles), and the cards and the digest date it in the team's zone.
   */
  day: string;
  /** `listing`: the weeks on a rep's list (or held out), and the week they left it. */
  kind: 'order' | 'ticket' | 'action' | 'listing';
  /** A tap's time of day on the team's clock, in LOCALE (`14:05`, `2:05 PM`); null for what has only a day (orders, tickets, a listing). */
  time: string | null;
  title: string;
  detail: string;
  /** For actions: undone later (struck through). */
  undone?: boolean;
  /** For a run of weeks on a list: each week as the card had it, oldest first. */
  weeks?: string[];
}

export interface WeekPoint {
  /** The Monday scored, `YYYY-MM-DD`. */
  week: string;
  /** The chance of no order in `horizonDays` the card states (the list's chance as a whole percent, 1-99), 0-1; null on a Monday before the customer's first order: there was nothing to score. */
  noOrderProbability: number | null;
  horizonDays: number;
}

/**
 * A customer page's week-by-week chart, asked apart from the page: the book scored as of each of the
 * last twelve Mondays takes a while on a large book, and the rest of the page does not wait for it.
 */
export interface CustomerChartResponse {
  asOf: string;
  /** Oldest first; empty for a customer the feed no longer holds. */
  weeks: WeekPoint[];
  /** A newer read of the order feed is under way (a new export, the weekly run's read): drawn from the last one read. */
  feedBeingRead: boolean;
}

export interface CustomerDetailResponse {
  asOf: string;
  /** The locale the tab writes dates and numbers in: the cards' (LOCALE), whatever the Teams client's. */
  locale: string;
  /** The book's currency (ISO 4217): every amount is in it. */
  currency: string;
  customer: CustomerRow;
  /** Whose customer it is, as the Team tab names the rep (rules/repNames `repName`): their Teams name, else the address. */
  ownerName: string;
  facts: CustomerFacts;
  /** The days the chance of no order looks ahead (the card's horizon), as the facts and the chart state it. */
  horizonDays: number;
  ordersByMonth: { month: string; orders: number; amount: number }[];
  /** Newest first. */
  timeline: TimelineEntry[];
  /** A newer read of the order feed is under way: the facts and chances are from the last one read. */
  feedBeingRead: boolean;
  /**
   * Their stored weeks on the lists could not be read (a damaged row): 'all' while the row is so
   * (the timeline leaves them out); 'earlier' once the weekly run started the row again (the timeline
   * has only the weeks since); null when nothing is left out.
   */
  listedWeeksUnreadable: 'all' | 'earlier' | null;
  lossReasons: { code: string; label: string }[];
  /**
   * What the Won back box starts with: the card's own pre-fill, written as the card's box writes it
   * in LOCALE (`1200`, de-DE `0,40`, en-US `0.40`), which the Won back check reads back as the same value.
   */
  wonBackPrefill: string;
  /** What to type in it, shown while it is empty (it starts empty for a customer valued at 0): `e.g. 1,250.50`. */
  wonBackPlaceholder: string;
  /** The action Undo would reverse, in words, its day as the card words it, or null. */
  undoable: string | null;
}

export interface ActionRequestBody {
  action: TabAction;
  /** Won back: the monthly value, a plain decimal (blank = the customer's); the API also takes a number. */
  value?: string;
  /** The locale `value` was typed in (the user's Teams locale); without it, the card's (LOCALE). */
  locale?: string;
  /** Lost: the reason code, and an optional note. */
  reason?: string;
  note?: string;
}

export interface ActionResponse {
  ok: boolean;
  message: string;
  customer: CustomerRow | null;
}

export interface MonthFigures {
  month: string;
  surfaced: number;
  reachedOut: number;
  saves: number;
  losses: number;
  valueWonBack: number;
  /**
   * What the month's saves of one-visit customers were worth: each one order's worth, added up apart
   * from the monthly value, as the summary card's "One-off orders won back".
   */
  oneOffWonBack: number;
  /**
   * Customers the weekly run flagged on cards that reached no rep (no chat with the app, or the send
   * failed): not counted in `surfaced`, as the summary card says them apart.
   */
  flaggedNotDelivered: number;
  /** Of the customers reached out to, the share won back after it (the summary card's figure); null when nobody was reached out to. */
  followUpConversion: number | null;
}

export interface TeamResponse {
  asOf: string;
  /** The locale the tab writes dates and numbers in: the cards' (LOCALE), whatever the Teams client's. */
  locale: string;
  /** Set when the order feed has had no order for longer than the book is ever quiet: a warning in words. */
  staleFeed: string | null;
  /** A newer read of the order feed is under way (a new export, the weekly run's read): the figures are of the last one read. */
  feedBeingRead: boolean;
  currency: string;
  reps: { owner: string; name: string }[];
  /** The filter applied: a rep's email or null for all; a month `YYYY-MM`. */
  filter: { rep: string | null; month: string };
  months: string[];
  /**
   * Per rep, the customers a weekly card made today counts (a kind of name at risk who passes the
   * card's gates and is not held out) and their summed value at risk; `countsText` words the counts
   * as the card does.
   */
  valueAtRiskByRep: {
    owner: string;
    name: string;
    valueAtRisk: number;
    listed: number;
    countsText: string;
  }[];
  /** Customers of the shown reps on this week's delivered weekly cards (0: no card has gone out this week). */
  listedThisWeek: number;
  /**
   * Customers of the shown reps this week's run flagged on cards that reached no rep (a rep with no
   * chat with the app): on no list, so in no count above; the tab says why their week is empty.
   */
  notDeliveredThisWeek: number;
  /** This week's weekly run has finished: every card it had to send has gone out. */
  weeklyRunDone: boolean;
  /**
   * This week's weekly run has sent cards and not finished (its cards still going out, or stopped
   * midway until its next tick): this week's counts grow as its cards go out. Not while it reads
   * and plans, nor when the feed stopped it before any card (it sends nothing until the feed is fixed).
   */
  weeklyRunUnderWay: boolean;
  /** Per rep, the listed customers nobody has acted on: the reps with the most first. */
  untouched: {
    owner: string;
    name: string;
    customers: { customerId: string; name: string; valueAtRisk: number }[];
  }[];
  /**
   * Per rep, the customers whose every order line the feed skipped or left out (Book.unreadOrders):
   * on no list and in no other figure here; `undone` of them had every order cancelled, refunded or
   * never placed (left out by its status: nothing to fix), the rest wait for the export to be fixed.
   * The reps with the most first.
   */
  ordersNotRead: { owner: string; name: string; customers: number; undone: number }[];
  monthly: MonthFigures[];
  lossesByReason: { label: string; count: number; share: number }[];
  holdout: string;
  accuracy: { sentence: string; auc: number; baselineAuc: number; topKPrecision: number } | null;
}
