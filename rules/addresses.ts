/**
 * A rep's address (an email or a sign-in name) as the product compares it: the feed, Teams and
 * the stored rows may write one address with other case or spaces around it.
 */
export function addressKey(address: string): string {
  return address.trim().toLowerCase();
}

/** Whether two addresses name the same rep. */
export function sameAddress(a: string, b: string): boolean {
  return addressKey(a) === addressKey(b);
}

/** Every address a feed's `owner` may name the rep by (lower case): the email, and the UPN when it differs. */
export function repAddresses(rep: { email: string; upn: string }): string[] {
  return [rep.email, rep.upn].filter((a, i, all) => a !== '' && all.indexOf(a) === i);
}
