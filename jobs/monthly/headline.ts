/** The month's figures the headline speaks of. */
export interface HeadlineFigures {
  /** `November`. */
  monthName: string;
  isEmpty: boolean;
  customersWonBack: number;
  recoveredValue: number;
  /** Saves of one-visit customers: one order's worth each, said apart from monthly revenue. */
  secondOrderValue: number;
  lost: number;
  surfaced: number;
  reachedOut: number;
  /** Customers flagged only on cards no rep received: not counted as flagged, but not "none" either. */
  notDelivered: number;
}

/**
 * The summary's first line in a sales lead's words, e.g. "The team won back $3,400 of monthly
 * revenue in November from 11 at-risk customers. 4 lost." Nothing is claimed that was not counted.
 */
export function headlineFor(
  f: HeadlineFigures,
  money: (amount: number) => string,
  count: (n: number) => string,
): string {
  const customers = (n: number) => `${count(n)} at-risk ${n === 1 ? 'customer' : 'customers'}`;
  if (f.isEmpty && f.notDelivered > 0)
    return `Nothing was recorded in ${f.monthName}: ${customers(f.notDelivered)} ${f.notDelivered === 1 ? 'was' : 'were'} flagged, but no card reached their reps (no chat with the app), so no button could be tapped.`;
  if (f.isEmpty)
    return `Nothing was recorded in ${f.monthName}: no customer was flagged and no button was tapped.`;
  const lost = f.lost === 0 ? 'None lost.' : `${count(f.lost)} lost.`;
  if (f.customersWonBack > 0) {
    const monthly = `${money(f.recoveredValue)} of monthly revenue`;
    const orders = `${money(f.secondOrderValue)} of one-off orders`;
    const won =
      f.secondOrderValue === 0 ? monthly : f.recoveredValue === 0 ? orders : `${monthly}, plus ${orders},`;
    return `The team won back ${won} in ${f.monthName} from ${customers(f.customersWonBack)}. ${lost}`;
  }
  if (f.lost > 0) return `No customer was won back in ${f.monthName}. ${lost}`;
  const reached = f.reachedOut === 0 ? 'none reached out to yet' : `${count(f.reachedOut)} reached out to`;
  return `No customer was won back or lost in ${f.monthName}: ${customers(f.surfaced)} flagged, ${reached}.`;
}
