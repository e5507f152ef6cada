import { SYSTEM_ACTOR_PREFIX } from '../../bot/taps/actionTypes';
import { latestOpenAction, undoneIds } from '../../bot/taps/auditHistory';
import type { AccessPolicy } from '../../bot/taps/authorise';
import { outcomeOfRow } from '../../bot/taps/cardOutcome';
import { ownerAddressesFrom, undoLeftToReader } from '../../bot/taps/undoOnCard';
import { buildDigestCard } from '../../cards/buildDigestCard';
import { type CustomerOutcome, MAX_NAME_CHARS } from '../../cards/cardModels';
import { cardBytes, MAX_CARD_BYTES } from '../../cards/cardSize';
import type { DigestCardData, DigestRow } from '../../cards/digestCardModels';
import { digestRowValue, MAX_DIGEST_ROWS } from '../../cards/digestCardModels';
import { formatMoney } from '../../cards/format';
import { type RepNames, repName } from '../../cards/repNames';
import { lossReasonChoices } from '../../cards/weeklyCardData';
import { addressKey } from '../../rules/addresses';
import type { CustomerState } from '../../rules/customerState';
import { type FollowUp, wonBackTwice } from '../../rules/followUps';
import { playFlags, playFor } from '../../rules/play';
import type { Rules } from '../../rules/rulesSchema';
import type { AuditRow } from '../../storage/auditRow';
import { runLimited } from '../../storage/batches';
import type { ConversationStore } from '../../storage/conversationStore';
import type { CardLocale } from '../weekly/weeklyCardFor';

/** Who the daily run's own audit rows (follow_up, lost after silence) name as the actor. */
export const FOLLOW_UPS_ACTOR = {
  actorId: `${SYSTEM_ACTOR_PREFIX}follow-ups`,
  actorName: 'Churn Predictor',
} as const;

/** One rep's digest: the follow-ups it shows, and those past the card's cap (shown on a later day). */
export interface RepDigest {
  /** The rep's email/UPN (lower case): the ledger's and the conversation's key. */
  owner: string;
  shown: FollowUp[];
  overflow: number;
}

// A save to record first (money on the table), then the decisions (silence, a slipping save), then reminders.
const ORDER: Record<FollowUp['reason']['kind'], number> = {
  ordered: 0,
  lost_ordered: 0,
  silent: 1,
  save_slipping: 2,
  no_order: 3,
};

/** A digest a daily run delivered: the day, the rep, and the customers it listed (none kept: unknown). */
export interface ShownDigest {
  day: string;
  owner: string;
  customerIds?: readonly string[];
}

/**
 * Of the follow-ups that fell due before today's window, those a digest left out past its cap: the
 * owner got a digest on or after the due day, and no digest since that day listed the customer.
 * They go out today, so "+N more" is not a promise broken. A rep who got no digest since (not
 * reachable) is not caught up this way; a digest whose list was not kept is taken to have listed all.
 */
export function leftOutEarlier(earlier: readonly FollowUp[], shown: readonly ShownDigest[]): FollowUp[] {
  return earlier.filter((f) => {
    const owner = addressKey(f.state.owner);
    return !listedSince(f, shown) && shown.some((d) => d.day >= f.dueOn && d.owner === owner);
  });
}

/**
 * Of the follow-ups of a day whose run ended with reps still waiting for their own send time (a
 * time that never came that day: the host down, the feed broken), those no digest since listed: a
 * waiting rep's go out in their next digest; what the others' digests listed does not go twice.
 */
export function notListedSince(due: readonly FollowUp[], shown: readonly ShownDigest[]): FollowUp[] {
  return due.filter((f) => !listedSince(f, shown));
}

/** Whether a digest delivered on or after the follow-up's due day listed its customer. */
function listedSince(f: FollowUp, shown: readonly ShownDigest[]): boolean {
  const owner = addressKey(f.state.owner);
  return shown.some(
    (d) => d.day >= f.dueOn && (d.customerIds?.includes(f.state.customerId) ?? d.owner === owner),
  );
}

/** The reps with something to say today, sorted, each with their rows in digest order (at most MAX_DIGEST_ROWS). */
export function repDigests(followUps: readonly FollowUp[]): RepDigest[] {
  const byOwner = new Map<string, FollowUp[]>();
  for (const f of followUps) {
    const owner = addressKey(f.state.owner);
    if (owner === '') continue;
    const list = byOwner.get(owner) ?? [];
    list.push(f);
    byOwner.set(owner, list);
  }
  return [...byOwner.keys()].sort().map((owner) => {
    const rows = (byOwner.get(owner) ?? []).sort(
      (a, b) =>
        ORDER[a.reason.kind] - ORDER[b.reason.kind] ||
        b.state.monthlyValue - a.state.monthlyValue ||
        a.state.customerId.localeCompare(b.state.customerId),
    );
    return {
      owner,
      shown: rows.slice(0, MAX_DIGEST_ROWS),
      overflow: Math.max(0, rows.length - MAX_DIGEST_ROWS),
    };
  });
}

/**
 * The loss reason a silent customer's one-tap Lost records: the rules file's `went_quiet`, else a
 * reason labelled "quiet", else `other`, else the first.
 */
export function quietReasonCode(reasons: Rules['lossReasons']): string {
  return (
    reasons.find((r) => r.code === 'went_quiet')?.code ??
    reasons.find((r) => /quiet/i.test(r.label))?.code ??
    reasons.find((r) => r.code === 'other')?.code ??
    reasons[0].code
  );
}

/** What a digest row acted on already shows: the outcome, and whom its Undo is left to when the rep may not use it. */
export interface ShownOutcome {
  outcome: CustomerOutcome;
  undoLeftTo?: string;
}

/** The digest card's data for one rep; `outcomes` are rows already acted on (marked lost after silence), by customer id. */
export function digestCardDataFor(
  digest: RepDigest,
  rules: Pick<Rules, 'lossReasons'>,
  at: { runKey: string; today: string },
  outcomes: ReadonlyMap<string, ShownOutcome>,
  options: CardLocale = {},
  contactBy: ReadonlyMap<string, string> = new Map(),
): DigestCardData {
  return fitted({
    kind: 'digest',
    runKey: at.runKey,
    ...(digest.overflow > 0 ? { overflow: digest.overflow } : {}),
    rows: digest.shown.map((f): DigestRow => {
      const shown = outcomes.get(f.state.customerId);
      return {
        customerId: f.state.customerId,
        name: f.state.name.trim() || f.state.customerId,
        monthlyValue: f.state.monthlyValue,
        ...(f.state.valueKind === 'second_order' ? { valueKind: 'second_order' as const } : {}),
        reason: f.reason,
        ...(contactBy.has(f.state.customerId) ? { contactBy: contactBy.get(f.state.customerId) } : {}),
        flags: playFlags(playFor(f.state.monthlyValue, 0, wonBackTwice(f.state, at.today))),
        outcome: shown?.outcome ?? null,
        ...(shown?.undoLeftTo ? { undoLeftTo: shown.undoLeftTo } : {}),
      };
    }),
    lossReasons: lossReasonChoices(rules.lossReasons),
    quietReason: quietReasonCode(rules.lossReasons),
    ...(options.currency ? { currency: options.currency } : {}),
    ...(options.locale ? { locale: options.locale } : {}),
  });
}

/**
 * The digest with as many of its rows (the most urgent first) as fit the size Teams takes
 * (MAX_CARD_BYTES); the rest are counted as "+N more", as those past MAX_DIGEST_ROWS are. Long ids
 * and names can make the fullest digest too large, and Teams would refuse it whole.
 */
function fitted(data: DigestCardData): DigestCardData {
  const cut = (n: number): DigestCardData => {
    const overflow = (data.overflow ?? 0) + data.rows.length - n;
    const { overflow: _, ...rest } = data;
    return { ...rest, rows: data.rows.slice(0, n), ...(overflow > 0 ? { overflow } : {}) };
  };
  let n = data.rows.length;
  while (n > 1 && cardBytes(buildDigestCard(cut(n))) > MAX_CARD_BYTES) n--;
  return n === data.rows.length ? data : cut(n);
}

/** The notification preview, e.g. `Follow-ups: 3 customers (1 ordered after your call), $2,400/month`. */
export function digestNotificationText(data: DigestCardData): string {
  const n = data.rows.length;
  const orderedRows = data.rows.filter((r) => r.reason.kind === 'ordered');
  const ordered = orderedRows.length;
  const sum = (secondOrder: boolean) =>
    data.rows
      .filter((r) => (r.valueKind === 'second_order') === secondOrder)
      .reduce((total, r) => total + digestRowValue(r), 0);
  const money = (value: number) => formatMoney(value, data.currency ?? 'USD', data.locale ?? 'en-US');
  // A call another rep made before the customer moved to this one is not "your call".
  const whose = orderedRows.some((r) => r.contactBy !== undefined) ? 'a call' : 'your call';
  const lostOrdered = data.rows.filter((r) => r.reason.kind === 'lost_ordered').length;
  const notes = [
    ...(ordered > 0 ? [`${ordered} ordered after ${whose}`] : []),
    ...(lostOrdered > 0 ? [`${lostOrdered} ordered after being marked lost`] : []),
  ];
  const note = notes.length > 0 ? ` (${notes.join(', ')})` : '';
  // A one-visit customer's next order is not monthly revenue: said apart.
  const monthly = sum(false);
  const once = sum(true);
  const values = [
    ...(monthly > 0 || once === 0 ? [`${money(monthly)}/month`] : []),
    ...(once > 0 ? [`${money(once)} in one-off orders`] : []),
  ];
  return `Follow-ups: ${n} ${n === 1 ? 'customer' : 'customers'}${note}, ${values.join(' + ')}`;
}

/**
 * The loss beside each shown row of a customer who ordered after being marked lost, by customer id:
 * the row shows it with its Undo (the save can be recorded once the loss is undone), offered only
 * when the digest's rep may use it, as on the bot's cards (undoLeftToReader: `access` and `directory`
 * are the bot's facts on who may act); else the row names who can. One read per such row; a loss
 * that is no longer the customer's latest standing action is left out.
 */
export async function standingLosses(
  digests: readonly RepDigest[],
  history: (state: CustomerState) => Promise<readonly AuditRow[]>,
  timeZone: string,
  access: AccessPolicy,
  directory: Pick<ConversationStore, 'getRepByEmail'> & { names: RepNames },
): Promise<Map<string, ShownOutcome>> {
  const rows = digests.flatMap((d) =>
    d.shown.filter((f) => f.reason.kind === 'lost_ordered').map((f) => ({ rep: d.owner, state: f.state })),
  );
  const found = await runLimited(
    rows.map(({ rep, state }) => async () => {
      const latest = latestOpenAction(await history(state));
      if (latest?.action !== 'lost') return null;
      const reader = await directory.getRepByEmail(rep);
      const undoLeftTo = await undoLeftToReader(
        { userId: reader?.userId ?? '', email: reader?.email ?? rep, upn: reader?.upn ?? '' },
        {
          standing: latest,
          customer: { owner: state.owner, name: state.name },
          policy: access,
          repName: async (owner) => repName(directory.names, owner),
          ownerAddresses: ownerAddressesFrom(directory),
        },
      );
      const shown: ShownOutcome = {
        outcome: outcomeOfRow(latest, timeZone),
        ...(undoLeftTo ? { undoLeftTo } : {}),
      };
      return [state.customerId, shown] as const;
    }),
    CONTACT_READS,
  );
  return new Map(found.filter((f) => f !== null));
}

/** Audit reads in flight at once while the digests look up who reached out. */
const CONTACT_READS = 8;

/**
 * Who reached out to each shown customer, for the rows whose standing Reached out was taken while
 * another rep owned them (the feed moved the customer since): by customer id, that rep's name. One
 * read per shown row that follows a call (at most MAX_DIGEST_ROWS a rep). A call stored under the
 * rep's other address (their sign-in name, before the weekly run read it as their email) is theirs:
 * "you reached out", not their own name. The rep who owned the customer and called is named as the
 * cards name them (`names`: their Teams name now, with their address when another rep has it);
 * someone else who tapped for them (an admin), or a rep no longer installed, by the name the tap kept.
 */
export async function contactsByOtherReps(
  digests: readonly RepDigest[],
  history: (customerId: string) => Promise<readonly AuditRow[]>,
  directory: Pick<ConversationStore, 'getRepByEmail'> & { names: RepNames },
): Promise<Map<string, string>> {
  const calls = digests.flatMap((digest) =>
    digest.shown
      .filter((f) => f.reason.kind !== 'save_slipping' && f.reason.kind !== 'lost_ordered')
      .map((f) => ({ rep: digest.owner, customerId: f.state.customerId })),
  );
  const found = await runLimited(
    calls.map(({ rep, customerId }) => async () => {
      const rows = await history(customerId);
      const undone = undoneIds(rows);
      const contact = rows.find((r) => r.action === 'reached_out' && !undone.has(r.id));
      if (!contact) return null;
      const owner = addressKey(contact.owner);
      if (owner === '' || owner === rep) return null;
      const holder = await directory.getRepByEmail(owner);
      if (addressKey(holder?.email ?? '') === rep) return null;
      const name =
        holder?.userId === contact.actorId
          ? repName(directory.names, owner)
          : contact.actorName.trim() || contact.owner;
      return [customerId, name.slice(0, MAX_NAME_CHARS)] as const;
    }),
    CONTACT_READS,
  );
  return new Map(found.filter((f) => f !== null));
}
