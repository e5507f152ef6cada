import { z } from 'zod';

/**
 * What a help desk's ticket statuses and satisfaction ratings mean to the feed: whether a ticket is
 * still open, and whether the customer was sour (negative), pleased (positive), neither (neutral)
 * or gave no rating (none). The feed's own words and the help desks' usual ones are known here;
 * anything else (a custom status, a score out of 5) is declared in the rules file:
 * `{ "ticketValues": { "status": { "Escalated": "open" }, "sentiment": { "1": "negative", "5": "positive" } } }`.
 * A declared value wins over a known one (a desk whose "pending" means done can say "closed").
 */

export const TICKET_STATUSES = ['open', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_SENTIMENTS = ['negative', 'neutral', 'positive', 'none'] as const;
export type TicketSentiment = (typeof TICKET_SENTIMENTS)[number];

/**
 * Statuses read without help. Open is every ticket not yet done, as the desks count "unsolved":
 * Zendesk's new, open, pending and on-hold; Freshdesk's Open, Pending and its usual custom
 * "Waiting on Customer" / "Waiting on Third Party"; Help Scout's Active and Pending; HubSpot's
 * default pipeline stages; Gorgias' open (snoozed is open too). Closed is done: solved, resolved,
 * closed, and Freshdesk's archived (closed tickets it has put away).
 */
const KNOWN_STATUSES: Readonly<Record<string, TicketStatus>> = {
  open: 'open',
  new: 'open',
  pending: 'open',
  hold: 'open',
  'on-hold': 'open',
  'on hold': 'open',
  active: 'open',
  snoozed: 'open',
  'waiting on customer': 'open',
  'waiting on third party': 'open',
  'waiting on contact': 'open',
  'waiting on us': 'open',
  closed: 'closed',
  solved: 'closed',
  resolved: 'closed',
  archived: 'closed',
};

/**
 * Ratings read without help: the feed's own words; Zendesk's "Satisfaction Score" (Good, Bad, and
 * Offered or Unoffered where the customer gave none); Help Scout's Great, Okay and Not Good;
 * Freshdesk's happy, neutral and unhappy. Numbers are never guessed: a 3 is low out of 10 and
 * middling out of 5, so a desk that scores declares its scale.
 */
const KNOWN_SENTIMENTS: Readonly<Record<string, TicketSentiment>> = {
  negative: 'negative',
  neutral: 'neutral',
  positive: 'positive',
  bad: 'negative',
  good: 'positive',
  offered: 'none',
  unoffered: 'none',
  great: 'positive',
  okay: 'neutral',
  'not good': 'negative',
  happy: 'positive',
  unhappy: 'negative',
};

/** How a ticket value is compared: spaces at the ends and the case do not matter ("Pending " is "pending"). */
export function ticketValueKey(value: string): string {
  return value.trim().toLowerCase();
}

function declaredValues<T extends string>(meanings: readonly [T, ...T[]], what: string) {
  const meaning = z.enum(meanings, { error: `must be ${orList(meanings)}: what ${what} means` });
  // The values are kept as written and compared as ticketValueKey does here: a key trimmed by the
  // schema would let "Done" and "Done " fold into one, the last silently winning.
  return z.record(z.string(), meaning).superRefine((values, ctx) => {
    const seen = new Map<string, string>();
    for (const value of Object.keys(values)) {
      const key = ticketValueKey(value);
      const first = seen.get(key);
      if (key === '') ctx.addIssue({ code: 'custom', path: [value], message: 'a value must not be empty' });
      else if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [value],
          message: `the same value as "${first}" (values are compared without case)`,
        });
      else seen.set(key, value);
    }
  });
}

const orList = (words: readonly string[]) =>
  `${words
    .slice(0, -1)
    .map((w) => `"${w}"`)
    .join(', ')} or "${words[words.length - 1]}"`;

export const ticketValuesSchema = z
  .strictObject({
    /** A status your help desk writes -> "open" or "closed". */
    status: declaredValues(TICKET_STATUSES, 'the status').default({}),
    /** A satisfaction value your help desk writes -> "negative", "neutral", "positive" or "none" (no rating). */
    sentiment: declaredValues(TICKET_SENTIMENTS, 'the rating').default({}),
  })
  .prefault({});

export type TicketValues = z.infer<typeof ticketValuesSchema>;

/** Every status the feed reads, as ticketValueKey compares it, with what it means: the known ones and the declared. */
export function ticketStatuses(declared: TicketValues['status'] = {}): Map<string, TicketStatus> {
  return merged(KNOWN_STATUSES, declared);
}

/** Every rating the feed reads (the empty cell, no rating, among them), with what it means. */
export function ticketSentiments(declared: TicketValues['sentiment'] = {}): Map<string, TicketSentiment> {
  // A ticket the customer did not rate is neither sour nor pleasant: most tickets of a desk that surveys.
  return merged<TicketSentiment>({ '': 'none', ...KNOWN_SENTIMENTS }, declared);
}

function merged<T extends string>(known: Readonly<Record<string, T>>, declared: Readonly<Record<string, T>>) {
  const values = new Map(Object.entries(known));
  for (const [value, meaning] of Object.entries(declared)) values.set(ticketValueKey(value), meaning);
  return values;
}
