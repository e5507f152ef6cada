import { createHash } from 'node:crypto';
import { plural } from '../../rules/model/plainWords';
import type { NoticeKind } from '../../storage/runLedger';
import { LISTED_IN_TEXT, type NotReached, notReached, type RepOutcome } from './weeklyReport';

/**
 * What a notice told the admins of a rep: their address and how their week stood. A rep told their
 * card follows (Teams asked to wait, `teams_wait`; no app, or Teams refusing it for a reason of
 * its code, once they add it) and who then got none (refused again, a 5xx, another code) is told
 * again, once; the same account twice is not.
 */
export function toldKey(n: Pick<NotReached, 'rep' | 'status' | 'retryAt' | 'code'>): string {
  const how =
    n.retryAt !== undefined ? 'teams_wait' : n.code !== undefined ? `${n.status}_${n.code}` : n.status;
  return `${how}:${n.rep}`;
}

/**
 * The reps of `outcomes` with no card whom no notice of the run named so (`told`, toldKey), as the
 * account names them. A rep another instance is sending to is that instance's to tell; one it has
 * delivered to meanwhile (`delivered`, their ledger row) is not told.
 */
export async function untoldReps(
  outcomes: readonly RepOutcome[],
  told: ReadonlySet<string>,
  delivered: (rep: string) => Promise<boolean>,
): Promise<NotReached[]> {
  const mine = outcomes.filter((o) => !(o.status === 'failed' && o.elsewhere));
  return untoldOf(notReached(mine), told, delivered);
}

/** The reps of `missed` whom no notice of the run named so (`told`, toldKey) and who got no card since (`delivered`). */
export async function untoldOf(
  missed: readonly NotReached[],
  told: ReadonlySet<string>,
  delivered: (rep: string) => Promise<boolean>,
): Promise<NotReached[]> {
  const untold: NotReached[] = [];
  for (const n of missed) if (!told.has(toldKey(n)) && !(await delivered(n.rep))) untold.push(n);
  return untold;
}

/** The kind of the notice naming `named` (toldKey): a rerun of the tick finds the same one, and does not post it twice. */
export function moreKind(named: readonly string[]): NoticeKind {
  const digest = createHash('sha256')
    .update([...named].sort().join('\n'), 'utf8')
    .digest('hex');
  return `more_${digest.slice(0, 32)}`;
}

/**
 * The admins' notice of the reps a later tick of the run left without a card (first line the title),
 * each with the reason and what follows as the run's account gives it; `rep` names them as it does.
 */
export function untoldText(
  title: { run: string; sent: 'card' | 'digest' },
  reps: readonly NotReached[],
  rep: (address: string) => string,
): string {
  return noticeText(
    `${title.run}: ${plural(reps.length, 'rep')} got no ${title.sent} since the admins were told of the run.`,
    reps,
    rep,
  );
}

/**
 * The admins' notice of the reps an earlier run (`which`: "last week's run") left without a card
 * and no notice told of, its last tick, which would have, not having run to its end (the host down,
 * or the process dying during it: its row cannot tell which); as untoldText. `row`: how many reps
 * with no card the run's row lists, of how many; the others are only in its log.
 */
export function missedTickText(
  title: { run: string; which: string; sent: 'card' | 'digest' },
  reps: readonly NotReached[],
  rep: (address: string) => string,
  row: { listed: number; count: number },
): string {
  const text = noticeText(
    `${title.run} (${title.which}): ${plural(reps.length, 'rep')} got no ${title.sent}, and the admins were not told: the run's last tick did not complete.`,
    reps,
    rep,
  );
  if (row.count <= row.listed) return text;
  return `${text}\n- the run's row lists ${row.listed} of its ${row.count} reps with no ${title.sent}: the others, some perhaps told of before, are in the run's log`;
}

/** A notice naming `reps`: the title, then each rep with their reason, the ones past LISTED_IN_TEXT left to the log. */
function noticeText(title: string, reps: readonly NotReached[], rep: (address: string) => string): string {
  const lines = [title];
  for (const n of reps.slice(0, LISTED_IN_TEXT)) lines.push(`- ${rep(n.rep)}: ${n.detail}`);
  if (reps.length > LISTED_IN_TEXT)
    lines.push(`- and ${reps.length - LISTED_IN_TEXT} more (see the run's log)`);
  return lines.join('\n');
}
