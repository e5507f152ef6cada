/**
 * Puts rows in book order: grouped by customer (a counting sort on the customer index), and within a
 * customer by day, ties kept in file order. Works on indices so any column can follow, rearranged
 * where it lies (`permuteInPlace`: no second copy of a 20M-row column).
 */
export interface CustomerGroups {
  /** Rows of customer i are order[start[i]] .. order[start[i + 1] - 1]. Length customers + 1. */
  start: Int32Array;
  /** Row indices in book order (rows left out are not in it). */
  order: Int32Array;
  /** Every row: `order` followed by the rows left out (customer -1), in file order; a permutation of the rows. */
  permutation: Int32Array;
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
  const permutation = new Int32Array(customer.length);
  let leftOut = start[customerCount];
  for (let row = 0; row < customer.length; row++) {
    const c = customer[row];
    if (c >= 0) permutation[next[c]++] = row;
    else permutation[leftOut++] = row;
  }
  const order = permutation.subarray(0, start[customerCount]);
  for (let c = 0; c < customerCount; c++) sortGroupByDay(order.subarray(start[c], start[c + 1]), day);
  return { start, order, permutation };
}

/** Sorts one customer's rows by day; most exports are already in date order, so check first. */
function sortGroupByDay(rows: Int32Array, day: Int32Array): void {
  let sorted = true;
  for (let i = 1; i < rows.length && sorted; i++) sorted = day[rows[i - 1]] <= day[rows[i]];
  if (!sorted) rows.sort((a, b) => day[a] - day[b] || a - b);
}

/**
 * Rearranges `values` where it lies so that values[i] becomes the old values[permutation[i]], one
 * cycle of the permutation at a time; returns `values`. `visited` is scratch of the same length
 * (pass one for several columns). `permutation` must hold every index once.
 */
export function permuteInPlace<T extends Int8Array | Uint8Array | Int32Array | Float64Array>(
  values: T,
  permutation: Int32Array,
  visited: Uint8Array,
): T {
  const n = values.length;
  if (permutation.length !== n || visited.length < n) {
    throw new RangeError(
      `permuteInPlace: ${n} values, ${permutation.length} indices, ${visited.length} flags`,
    );
  }
  visited.fill(0, 0, n);
  for (let i = 0; i < n; i++) {
    if (visited[i] === 1) continue;
    const first = values[i];
    let j = i;
    for (;;) {
      visited[j] = 1;
      const k = permutation[j];
      if (k === i) {
        values[j] = first;
        break;
      }
      values[j] = values[k];
      j = k;
    }
  }
  return values;
}
