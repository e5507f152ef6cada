/**
 * Puts rows in book order: grouped by customer (a counting sort on the customer index), and within a
 * customer by day, ties kept in file order. Works on indices so any column can follow.
 */
export interface CustomerGroups {
  /** Rows of customer i are order[start[i]] .. order[start[i + 1] - 1]. Length customers + 1. */
  start: Int32Array;
  /** Row indices in book order. */
  order: Int32Array;
}

/** Groups rows by `customer[row]` (rows with -1 are left out), each group sorted by `day[row]`. */
export function groupByCustomer(
  customerCount: number,
  customer: Int32Array,
  day: Int32Array,
): CustomerGroups {
  const start = new Int32Array(customerCount + 1);
  for (let row = 0; row < customer.length; row++) if (customer[row] >= 0) start[customer[row] + 1]++;
  for (let c = 0; c < customerCount; c++) start[c + 1] += start[c];
  const next = start.slice(0, customerCount);
  const order = new Int32Array(start[customerCount]);
  for (let row = 0; row < customer.length; row++) {
    const c = customer[row];
    if (c >= 0) order[next[c]++] = row;
  }
  for (let c = 0; c < customerCount; c++) sortGroupByDay(order.subarray(start[c], start[c + 1]), day);
  return { start, order };
}

/** Sorts one customer's rows by day; most exports are already in date order, so check first. */
function sortGroupByDay(rows: Int32Array, day: Int32Array): void {
  let sorted = true;
  for (let i = 1; i < rows.length && sorted; i++) sorted = day[rows[i - 1]] <= day[rows[i]];
  if (!sorted) rows.sort((a, b) => day[a] - day[b] || a - b);
}

/** `source` rearranged into `order`. */
export function gather<T extends Int8Array | Uint8Array | Int32Array | Float64Array>(
  source: T,
  order: Int32Array,
  make: (length: number) => T,
): T {
  const out = make(order.length);
  for (let i = 0; i < order.length; i++) out[i] = source[order[i]];
  return out;
}
