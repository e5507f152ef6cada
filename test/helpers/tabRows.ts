import { type CustomersQuery, GROUP_MAX, KIND_ORDER } from '../../tabs/api/customerList';
import type { CustomerRow, CustomersResponse } from '../../tabs/api/tabTypes';

/** The rows a "My customers" answer holds, kind after kind (each kind's first rows, as the tab asked). */
export function sentRows(response: CustomersResponse): CustomerRow[] {
  return response.groups.flatMap((g) => g.rows);
}

/** A query for every row of every kind (as many as one request may ask for). */
export const EVERY_ROW: CustomersQuery = {
  q: '',
  sort: 'risk',
  show: Object.fromEntries(KIND_ORDER.map((kind) => [kind, GROUP_MAX])),
};
