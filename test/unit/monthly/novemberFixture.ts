import type { AuditRow } from '../../../storage/auditRow';
import { Rows, snapshotSurfacedOn } from './auditRows';

export const ANA = 'ana@demo.example';
export const BEN = 'ben@demo.example';

/**
 * A worked November 2026 (team in America/Chicago), small enough to check by hand:
 * - flagged: c1-c4, c10, c11 (Ana), c5, c6 (Ben): 8 customers (c1 flagged twice);
 * - reached out: c1, c2 (Ana), c5 (Ben); c3's tap was undone;
 * - won back: c1 $1,200 (flagged 11-02, saved 11-12: 10 days, from the snapshot), c5 $2,200 (no
 *   snapshot date: flagged 11-02 by its row, saved 11-20: 18 days); c2's save was undone the same day;
 *   c9's save was undone on 1 December (a later row);
 * - lost: c3, c4 price, c8 other (Ana; undone, then the undo undone), c6 went quiet (Ben);
 * - re-churn: c10 won back 2026-09-10, flagged again 11-16 (67 days); c11 won back 2026-08-10 is
 *   98 days before its flag, outside the window.
 */
export function november(): { rows: AuditRow[]; priorRows: AuditRow[]; laterRows: AuditRow[] } {
  const prior = new Rows();
  prior.wonBack('c10', '2026-09-10T15:00:00.000Z', 700);
  prior.wonBack('c11', '2026-08-10T15:00:00.000Z', 800);

  const n = new Rows();
  // Ids must not collide with the prior factory's.
  const id = (s: string) => ({ id: `nov-${s}` });
  for (const c of ['c1', 'c2', 'c3', 'c4']) n.add('surfaced', c, '2026-11-02T14:03:00.000Z', id(`s-${c}`));
  for (const c of ['c5', 'c6'])
    n.add('surfaced', c, '2026-11-02T14:03:00.000Z', { ...id(`s-${c}`), owner: BEN });
  n.add('surfaced', 'c1', '2026-11-09T14:03:00.000Z', id('s2-c1'));
  n.add('surfaced', 'c10', '2026-11-16T14:03:00.000Z', id('s-c10'));
  n.add('surfaced', 'c11', '2026-11-16T14:03:00.000Z', id('s-c11'));

  n.add('reached_out', 'c1', '2026-11-03T15:00:00.000Z', id('ro-c1'));
  n.add('reached_out', 'c2', '2026-11-03T15:10:00.000Z', id('ro-c2'));
  n.add('reached_out', 'c5', '2026-11-04T16:00:00.000Z', {
    ...id('ro-c5'),
    owner: BEN,
    actorName: 'Ben Ode',
  });
  const roC3 = n.add('reached_out', 'c3', '2026-11-05T15:00:00.000Z', id('ro-c3'));
  n.undo(roC3, '2026-11-05T15:01:00.000Z');

  n.wonBack('c1', '2026-11-12T17:00:00.000Z', 1200, {
    ...id('wb-c1'),
    snapshot: snapshotSurfacedOn('c1', '2026-11-02'),
  });
  n.wonBack('c5', '2026-11-20T17:00:00.000Z', 2200, { ...id('wb-c5'), owner: BEN });
  const wbC2 = n.wonBack('c2', '2026-11-15T17:00:00.000Z', 900, id('wb-c2'));
  n.undo(wbC2, '2026-11-15T17:05:00.000Z');
  const wbC9 = n.wonBack('c9', '2026-11-28T17:00:00.000Z', 500, id('wb-c9'));

  n.lost('c3', '2026-11-18T15:00:00.000Z', 'price', id('l-c3'));
  n.lost('c4', '2026-11-19T15:00:00.000Z', 'price', id('l-c4'));
  n.lost('c6', '2026-11-19T16:00:00.000Z', 'went_quiet', { ...id('l-c6'), owner: BEN });
  const lostC8 = n.lost('c8', '2026-11-21T15:00:00.000Z', 'other', id('l-c8'));
  const undoC8 = n.undo(lostC8, '2026-11-21T15:02:00.000Z');
  n.undo(undoC8, '2026-11-22T15:00:00.000Z');

  const later = new Rows();
  later.add('undo', 'c9', '2026-12-01T15:00:00.000Z', { id: 'dec-undo-c9', undoes: wbC9.id });
  return { rows: n.all, priorRows: prior.all, laterRows: later.all };
}
