import { addressKey, repAddresses } from '../../rules/addresses';
import type { CustomerState } from '../../rules/customerState';
import type { AuditRow } from '../../storage/auditRow';
import type { ConversationStore } from '../../storage/conversationStore';
import { isSystemActor } from './actionTypes';
import { type AccessPolicy, authoriseOnCustomer, isAdmin } from './authorise';
import { takenUnderOtherOwner, undoAllowed } from './decideUndo';

/** Who reads a card: the rep whose 1:1 chat holds it, with the addresses their install stored ('' when none). */
export interface CardReader {
  userId: string;
  email: string;
  upn: string;
}

/** Who may undo a row its reader may not: the one who took the action (named), or the customer's owner now. */
export type UndoLeftTo = { to: 'actor'; name: string } | { to: 'owner'; owner: string };

/**
 * Whom a card leaves the Undo of the row's outcome (`standing`, the action it shows) to when its reader
 * could never use it: undefined when they may undo it. The Undo handler's own checks decide (the
 * reader authorised on the customer, then decideUndo's rule), so the card offers exactly the Undo the
 * handler would take. The one left is who can: the owner now (another rep than the reader) for a row
 * the product wrote or an action taken under another owner, else the one who took it. `ownerAddresses`
 * are the owner now's (their install's email and sign-in name): an action taken under one of them is
 * no handover, so not theirs to undo unless they took it.
 */
export function undoLeftTo(
  reader: CardReader,
  standing: AuditRow,
  customer: Pick<CustomerState, 'owner' | 'name'>,
  policy: AccessPolicy,
  ownerAddresses: readonly string[],
): UndoLeftTo | undefined {
  const { userId, email, upn } = reader;
  const auth = authoriseOnCustomer(
    { userId, email: email || null, upn: upn || null },
    customer.owner,
    customer.name,
    policy,
  );
  const addresses = repAddresses({ email, upn });
  if (auth.ok && undoAllowed(standing, customer.owner, { userId, addresses }, isAdmin(userId, policy)))
    return undefined;
  // A reader who owns the customer now is not someone else to name: under a former address of
  // theirs (the weekly run rewrites a sign-in name to the email), the action is still its taker's.
  const handedOver =
    takenUnderOtherOwner(standing, customer.owner) && !ownerAddresses.includes(addressKey(standing.owner));
  const theOwners = !auth.ok && (isSystemActor(standing.actorId) || handedOver);
  return theOwners ? { to: 'owner', owner: customer.owner } : { to: 'actor', name: standing.actorName };
}

/** The name a card says can undo (`ownerName`: how the owner now is named to reps). */
export function undoerName(left: UndoLeftTo, ownerName: (owner: string) => string): string {
  const name = left.to === 'actor' ? left.name : ownerName(left.owner);
  return name.trim() || 'their rep';
}

/** What decides whom a card leaves the Undo of a customer's row to, whoever reads it. */
export interface RowUndo {
  /** The action the row's outcome shows. */
  standing: AuditRow;
  customer: Pick<CustomerState, 'owner' | 'name'>;
  policy: AccessPolicy;
  /** How reps are named to one another (by the feed's owner address). */
  repName: (owner: string) => Promise<string>;
  /** The addresses the rep who owns a customer (by the feed's address) is known by; none when not installed. */
  ownerAddresses: (owner: string) => Promise<readonly string[]>;
}

/** RowUndo's ownerAddresses from the stored reps: their install's email and sign-in name. */
export function ownerAddressesFrom(
  conversations: Pick<ConversationStore, 'getRepByEmail'>,
): (owner: string) => Promise<readonly string[]> {
  return async (owner) => {
    const rep = await conversations.getRepByEmail(owner);
    return rep ? repAddresses(rep) : [];
  };
}

/** The name `reader`'s card says can undo the row (WeeklyCardCustomer.undoLeftTo); undefined when the reader may. */
export async function undoLeftToReader(
  reader: CardReader,
  undo: RowUndo | null | undefined,
): Promise<string | undefined> {
  if (!undo) return undefined;
  const { standing, customer, policy } = undo;
  let left = undoLeftTo(reader, standing, customer, policy, []);
  // The owner's stored addresses only tell an action taken under a former address of theirs from a
  // handover: read them for such a row, not for every row a card shows.
  if (left?.to === 'owner' && !isSystemActor(standing.actorId))
    left = undoLeftTo(reader, standing, customer, policy, await undo.ownerAddresses(customer.owner));
  if (!left) return undefined;
  const owner = left.to === 'owner' ? await undo.repName(left.owner) : '';
  return undoerName(left, () => owner);
}
