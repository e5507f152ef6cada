import { z } from 'zod';
import { found, searchKey } from './customerSearch';
import type { CustomerKind, CustomerListGroup, CustomerRow } from './tabTypes';

/**
 * "My customers" as the server sends it: the rows of the chosen rep (or everyone's), searched and
 * sorted over the whole book, grouped by kind, and of each group only the rows the tab shows. A
 * manager's 30,000-customer book was 12 MB of JSON on every open; a page is a few hundred rows.
 */

/** The kinds in the order the tab lists them. */
export const KIND_ORDER: readonly CustomerKind[] = [
  'slipping',
  'new_not_back',
  'not_back_yet',
  'watch',
  'lapsed',
  'ordered_since',
  'won_back',
  'lost',
  'steady',
  'orders_not_read',
  'refunded_in_full',
  'no_orders',
  'not_in_feed',
];

/** The prefix of `whose` that names one rep by address. */
export const OWNER = 'owner:';

/** Rows of a group sent when the tab does not say how many it shows. */
export const GROUP_FIRST = 50;
/** The most rows of one group a request may ask for. */
export const GROUP_MAX = 5_000;

/** Highest score first; no score (a dropped customer's, reset by a save) last, as no silence sorts. */
export function byScore(a: CustomerRow, b: CustomerRow): number {
  return (b.score ?? -1) - (a.score ?? -1);
}

/**
 * Highest chance of no order first, as the card states it; equal chances by score (it breaks the
 * scoring's ties); no chance (no order yet, gone from the feed) last.
 */
function byChance(a: CustomerRow, b: CustomerRow): number {
  return (b.noOrderChance ?? -1) - (a.noOrderChance ?? -1) || byScore(a, b);
}

/**
 * The orders a rep can sort each kind by. The rows arrive in the card's order (value at risk, then
 * score, then name); the sort is stable, so ties keep it.
 */
const SORTS = {
  risk: null,
  chance: byChance,
  // No longer offered: a tab page Teams cached before the list stated chances still sends it.
  score: byScore,
  // Never ordered sorts last: there is no silence to measure.
  silent: (a: CustomerRow, b: CustomerRow) => (b.daysSinceLastOrder ?? -1) - (a.daysSinceLastOrder ?? -1),
  value: (a: CustomerRow, b: CustomerRow) => b.monthlyValue - a.monthlyValue,
  name: (a: CustomerRow, b: CustomerRow) => a.name.localeCompare(b.name),
} as const;

const kindSchema = z.enum(KIND_ORDER as [CustomerKind, ...CustomerKind[]]);

/** The query string of GET /api/tab/customers. */
export const customersQuerySchema = z.object({
  /** Whose customers a manager or admin looks at: theirs, everyone's, or one rep's (`owner:` and the address). */
  whose: z
    .union([z.enum(['mine', 'everyone']), z.string().regex(/^owner:.{1,300}$/)])
    .optional()
    .transform((w) => w as CustomersQuery['whose']),
  q: z.string().max(200).default(''),
  sort: z.enum(Object.keys(SORTS) as [CustomerSort, ...CustomerSort[]]).default('risk'),
  /** Rows to send of some kinds, `kind:n` comma-separated (`steady:0,slipping:250`); the rest GROUP_FIRST. */
  show: z
    .string()
    .max(400)
    .default('')
    .transform((text, ctx) => {
      const shown: Partial<Record<CustomerKind, number>> = {};
      for (const part of text.split(',').filter(Boolean)) {
        const [kind, count] = part.split(':');
        const k = kindSchema.safeParse(kind);
        const n = Number(count);
        if (!k.success || !Number.isInteger(n) || n < 0 || n > GROUP_MAX) {
          ctx.addIssue({ code: 'custom', message: `show: "${part}" is not kind:count (0-${GROUP_MAX})` });
          return z.NEVER;
        }
        shown[k.data] = n;
      }
      return shown;
    }),
});

export type CustomerSort = keyof typeof SORTS;
export interface CustomersQuery {
  whose?: 'mine' | 'everyone' | `owner:${string}`;
  q: string;
  sort: CustomerSort;
  show: Partial<Record<CustomerKind, number>>;
}

/** The query of a tab that asks for nothing in particular: the first rows of every kind, riskiest first. */
export const FIRST_PAGE: CustomersQuery = { q: '', sort: 'risk', show: {} };

/** The rows matching `query.q`, sorted, by kind, each group cut to what the tab shows. */
export function customerGroups(
  rows: readonly CustomerRow[],
  query: Pick<CustomersQuery, 'q' | 'sort' | 'show'>,
): { matches: number; groups: CustomerListGroup[] } {
  const typed = searchKey(query.q.trim());
  const matching =
    typed.plain === '' ? rows : rows.filter((c) => found(searchKey(`${c.name}\n${c.customerId}`), typed));
  const compare = SORTS[query.sort];
  const sorted = compare ? [...matching].sort(compare) : matching;
  const byKind = new Map<CustomerKind, CustomerRow[]>();
  for (const c of sorted) {
    const list = byKind.get(c.kind);
    if (list) list.push(c);
    else byKind.set(c.kind, [c]);
  }
  return {
    matches: matching.length,
    groups: KIND_ORDER.flatMap((kind) => {
      const list = byKind.get(kind);
      if (!list) return [];
      return [{ kind, count: list.length, rows: list.slice(0, query.show[kind] ?? GROUP_FIRST) }];
    }),
  };
}
