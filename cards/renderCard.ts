import type { ValueKind } from '../rules/customerState';
import { buildDigestCard } from './buildDigestCard';
import { buildWeeklyCard } from './buildWeeklyCard';
import type { CardJson, CustomerOutcome, WeeklyCardData } from './cardModels';
import { type DigestCardData, digestRowValue } from './digestCardModels';

/** The data of any card the bot sends to a rep and updates in place when a row is tapped. */
export type RepCardData = WeeklyCardData | DigestCardData;

/** True for the daily digest's data. */
export function isDigest(data: RepCardData): data is DigestCardData {
  return 'kind' in data && data.kind === 'digest';
}

/** Renders a stored rep card, whichever kind it is. */
export function renderRepCard(data: RepCardData): CardJson {
  return isDigest(data) ? buildDigestCard(data) : buildWeeklyCard(data);
}

/** A customer's row on a card (a digest's row, or a list card's), or undefined when it does not list them. */
function rowOnCard(data: RepCardData, customerId: string) {
  return isDigest(data)
    ? data.rows.find((r) => r.customerId === customerId)
    : data.customers.find((c) => c.customerId === customerId);
}

/** The kind of value a card shows on a customer's row (none written: monthly); undefined when it does not list them. */
export function valueKindOnCard(data: RepCardData, customerId: string): ValueKind | undefined {
  const row = rowOnCard(data, customerId);
  return row ? (row.valueKind ?? 'monthly') : undefined;
}

/**
 * The value a card shows on a customer's row, its Won back box's prefill (a digest row of an order
 * since the call: what that order came to, for a one-visit customer); undefined when it does not list them.
 */
export function valueOnCard(data: RepCardData, customerId: string): number | undefined {
  const row = rowOnCard(data, customerId);
  if (!row) return undefined;
  return 'reason' in row ? digestRowValue(row) : row.monthlyValue;
}

/** The outcome a card shows on a customer's row; undefined when the card does not list them. */
export function outcomeOnCard(data: RepCardData, customerId: string): CustomerOutcome | null | undefined {
  const row = rowOnCard(data, customerId);
  return row ? (row.outcome ?? null) : undefined;
}

/** Who the card leaves the Undo of a customer's row to (undoLeftTo); undefined when its reader may undo, or it does not list them. */
export function undoLeftToOnCard(data: RepCardData, customerId: string): string | undefined {
  return rowOnCard(data, customerId)?.undoLeftTo;
}

/**
 * The card data with one customer's outcome set (null clears it), and whom its reader must leave the
 * outcome's Undo to (none: they may undo it); null when the customer is not on the card.
 */
export function withOutcome(
  data: WeeklyCardData,
  customerId: string,
  outcome: CustomerOutcome | null,
  undoLeftTo?: string,
): WeeklyCardData | null;
export function withOutcome(
  data: RepCardData,
  customerId: string,
  outcome: CustomerOutcome | null,
  undoLeftTo?: string,
): RepCardData | null;
export function withOutcome(
  data: RepCardData,
  customerId: string,
  outcome: CustomerOutcome | null,
  undoLeftTo?: string,
): RepCardData | null {
  if (outcomeOnCard(data, customerId) === undefined) return null;
  const set = <R extends { customerId: string; undoLeftTo?: string }>(r: R): R => {
    if (r.customerId !== customerId) return r;
    const { undoLeftTo: _was, ...row } = r;
    return (outcome && undoLeftTo ? { ...row, outcome, undoLeftTo } : { ...row, outcome }) as unknown as R;
  };
  return isDigest(data)
    ? { ...data, rows: data.rows.map(set) }
    : { ...data, customers: (data as WeeklyCardData).customers.map(set) };
}
