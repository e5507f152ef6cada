import { sameAddress } from '../../rules/addresses';
import { type Refusal, refuse } from './actionTypes';

/** Who may act, as configured. */
export interface AccessPolicy {
  /** The one tenant allowed; empty = any (local runs). */
  tenantId: string;
  /** Teams user ids (AAD object ids) who may act on any customer and undo anyone's action. */
  adminUserIds: readonly string[];
  /** Teams user ids who see the whole team's figures (as on the team tab) but act only on their own customers. */
  managerUserIds?: readonly string[];
}

/** True when the user is a configured admin. */
export function isAdmin(userId: string, policy: AccessPolicy): boolean {
  return policy.adminUserIds.includes(userId);
}

/** True when the user may see the whole team's figures: an admin or a manager, as on the tabs. */
export function seesTeam(userId: string, policy: AccessPolicy): boolean {
  return isAdmin(userId, policy) || (policy.managerUserIds ?? []).includes(userId);
}

/** What a user of another tenant is told, whether they typed or tapped. */
export const FOREIGN_TENANT = 'This app only works for its own organisation. Nothing was changed.';

/** Refuses a user from another tenant than the configured one; null when the tenant is fine. */
export function checkTenant(actorTenantId: string, policy: AccessPolicy): Refusal | null {
  if (policy.tenantId === '' || actorTenantId === policy.tenantId) return null;
  return refuse('not_allowed', FOREIGN_TENANT);
}

/** What a user is told when their install stored no email, so no customer can be matched to them. */
export const NO_EMAIL_YET =
  'I do not know your email address yet, so I cannot tell which customers are yours. Reinstall the app in our chat, or ask an admin.';

/**
 * May this user act on a customer owned by `owner` (the feed's email/UPN)? The owner, matched
 * through the email (or the sign-in name, `upn`) the rep's install stored, or an admin.
 */
export function authoriseOnCustomer(
  actor: { userId: string; email: string | null; upn?: string | null },
  owner: string,
  customerName: string,
  policy: AccessPolicy,
): { ok: true; asAdmin: boolean } | Refusal {
  const mine = [actor.email, actor.upn].some((a) => a && sameAddress(a, owner));
  if (mine && owner.trim() !== '') return { ok: true, asAdmin: false };
  if (isAdmin(actor.userId, policy)) return { ok: true, asAdmin: true };
  if (!actor.email) return refuse('not_allowed', NO_EMAIL_YET);
  return refuse(
    'not_allowed',
    `${customerName} belongs to another rep; only they or an admin can change it. Nothing was changed.`,
  );
}
