import { addressKey, repAddresses } from '../rules/addresses';
import { plainText, truncate } from './format';

/**
 * How people read another rep: by the display name Teams gave the bot ("Ana Ruiz"), not by the
 * feed's owner address. Built once from the stored reps and passed to the text builders as data,
 * so no card or rule reads storage to name a rep.
 */

/** A rep's display name, and whether another stored rep has the same one (two "Sam Lee"s). */
export interface RepName {
  name: string;
  ambiguous: boolean;
  /**
   * The address the rep's figures are counted under (their email, else their sign-in name): rows
   * from before the install name the rep as the feed did, by either, and they are still one rep.
   */
  owner: string;
}

/** Display names by address (lower case, every address a feed may name the rep by). */
export type RepNames = ReadonlyMap<string, RepName>;

/** No names known: every rep is shown by their address (the CLI, which reads no Teams installs). */
export const NO_REP_NAMES: RepNames = new Map();

/** What a stored rep gives: their Teams display name and addresses (ConversationStore's Rep). */
export interface NamedRep {
  userId: string;
  name: string;
  email: string;
  upn: string;
}

// A display name is the user's own text: longer than any real name, it is cut rather than let fill a card.
const MAX_REP_NAME_CHARS = 100;

/** A display name as shown: control characters (line breaks too) as spaces, trimmed and cut; '' when none. */
function shownName(name: string): string {
  return truncate(plainText(name), MAX_REP_NAME_CHARS);
}

/**
 * Two names a reader cannot tell apart are one (reps' display names, the summary's loss reasons):
 * without case, and with accents composed (an é typed as e and a combining accent looks the same as
 * the single character).
 */
export function sameNameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase();
}

// What reads as an address in a display name: a run of text around an @.
const ADDRESS_IN_NAME = /[^\s()<>[\],;:"']+@[^\s()<>[\],;:"']+/g;

/**
 * Whether a display name holds an address that is none of the rep's own ("ben@contoso.com" as Ana's
 * name): shown alone, it would be read as that rep. A guest whose name is their own address is
 * shown by it as it is.
 */
function readsAsAnotherAddress(name: string, addresses: readonly string[]): boolean {
  return (name.match(ADDRESS_IN_NAME) ?? []).some((a) => !addresses.includes(addressKey(a)));
}

/**
 * The display names of the stored reps under each of their addresses. A name two reps share
 * (sameNameKey), or one written as another address, is marked ambiguous, so the rep is shown with
 * their address.
 */
export function repNamesOf(reps: readonly NamedRep[]): RepNames {
  const named = reps.map((r) => ({ rep: r, name: shownName(r.name) })).filter((r) => r.name !== '');
  const users = new Map<string, Set<string>>();
  for (const { rep, name } of named) {
    const key = sameNameKey(name);
    users.set(key, (users.get(key) ?? new Set()).add(rep.userId));
  }
  const names = new Map<string, RepName>();
  for (const { rep, name } of named) {
    const addresses = repAddresses(rep);
    const ambiguous = (users.get(sameNameKey(name))?.size ?? 0) > 1 || readsAsAnotherAddress(name, addresses);
    for (const address of addresses) names.set(address, { name, ambiguous, owner: addresses[0] });
  }
  return names;
}

/**
 * The rep as a person reads them: "Ana Ruiz"; "Sam Lee (sam.lee@contoso.com)" when another rep has
 * the same name; the address when the rep never installed the app (no name known).
 */
export function repName(names: RepNames, address: string): string {
  const known = names.get(addressKey(address));
  if (!known) return address;
  return known.ambiguous ? `${known.name} (${address})` : known.name;
}

/**
 * The rep as the admins read them, who act on the feed (keyed by address): "Ben Ode
 * (ben@contoso.com)", or the address alone when no name is known.
 */
export function repNameWithAddress(names: RepNames, address: string): string {
  const known = names.get(addressKey(address));
  return known ? `${known.name} (${address})` : address;
}

/** A rep who removed the app: the name Teams gave them then, the addresses they went by, and who they are. */
export interface FormerRep {
  name: string;
  addresses: readonly string[];
  /** Their Teams user id, when known: one who added the app back is named as they are now. */
  userId?: string;
}

/**
 * `names` with reps no longer stored (they removed the app) named as they were when they did, one
 * rep under all their addresses; an address `names` knows keeps its name. A rep in `current` (added
 * the app back, under another address) is read under their name now, also by the old address.
 */
export function withFormerReps(
  names: RepNames,
  former: readonly FormerRep[],
  current: readonly NamedRep[] = [],
): RepNames {
  const added = new Map([...names].map(([address, n]) => [address, { ...n }]));
  const now = new Map(current.map((r) => [r.userId, repAddresses(r).map(addressKey)]));
  for (const f of former) {
    const addresses = [...new Set(f.addresses.map(addressKey))].filter((a) => !added.has(a));
    if (addresses.length === 0) continue;
    const back =
      f.userId === undefined
        ? undefined
        : now
            .get(f.userId)
            ?.map((a) => added.get(a))
            .find(Boolean);
    if (back) {
      for (const address of addresses) added.set(address, back);
      continue;
    }
    const shown = shownName(f.name);
    if (shown === '') continue;
    const same = [...added.values()].filter((n) => sameNameKey(n.name) === sameNameKey(shown));
    for (const n of same) n.ambiguous = true;
    const entry = {
      name: shown,
      ambiguous: same.length > 0 || readsAsAnotherAddress(shown, addresses),
      owner: addresses[0],
    };
    for (const address of addresses) added.set(address, entry);
  }
  return added;
}

/** The address a rep's figures are counted under, whichever of theirs `address` is (RepName `owner`). */
export function repOwner(names: RepNames, address: string): string {
  const key = addressKey(address);
  return names.get(key)?.owner ?? key;
}

/**
 * Each named address with how repName shows it, and the address its rep is counted under (repOwner),
 * for figures computed apart from the lookup (the monthly summary's).
 */
export function repNameLabels(names: RepNames): {
  repNames: Record<string, string>;
  repOwners: Record<string, string>;
} {
  return {
    // The rep under the address they are counted by, so a rep the feed named two ways reads one way.
    repNames: Object.fromEntries(
      [...names.keys()].map((address) => [address, repName(names, repOwner(names, address))]),
    ),
    repOwners: Object.fromEntries([...names].map(([address, n]) => [address, n.owner])),
  };
}
