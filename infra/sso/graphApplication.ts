import { z } from 'zod';
import { guid } from '../package/manifest';

/**
 * The parts of a Microsoft Graph v1.0 `application` (what `az ad app show` prints) that the tabs' SSO depends on.
 * Objects are loose: whatever else Graph returns in them is kept, so a PATCH built from them carries it back
 * unchanged (learn.microsoft.com/graph/api/resources/application, .../apiapplication, .../permissionscope,
 * .../preauthorizedapplication).
 */

/** A delegated permission (`api.oauth2PermissionScopes[]`). */
export const permissionScopeSchema = z.looseObject({
  id: guid,
  value: z.string().nullable(),
  isEnabled: z.boolean(),
  type: z.string().nullable().optional(),
  adminConsentDisplayName: z.string().nullable().optional(),
  adminConsentDescription: z.string().nullable().optional(),
  userConsentDisplayName: z.string().nullable().optional(),
  userConsentDescription: z.string().nullable().optional(),
});

/** A client app let in without consent (`api.preAuthorizedApplications[]`; v1.0 names the ids delegatedPermissionIds). */
export const preAuthorizedApplicationSchema = z.looseObject({
  appId: z.string(),
  delegatedPermissionIds: z.array(z.string()),
});

export const apiApplicationSchema = z.looseObject({
  requestedAccessTokenVersion: z.number().int().nullable().optional(),
  oauth2PermissionScopes: z.array(permissionScopeSchema).default([]),
  preAuthorizedApplications: z.array(preAuthorizedApplicationSchema).default([]),
});

export const graphApplicationSchema = z.looseObject({
  appId: guid,
  identifierUris: z.array(z.string()).default([]),
  signInAudience: z.string().nullable().optional(),
  api: apiApplicationSchema.nullish().transform((api) => api ?? apiApplicationSchema.parse({})),
});

export type PermissionScope = z.infer<typeof permissionScopeSchema>;
export type PreAuthorizedApplication = z.infer<typeof preAuthorizedApplicationSchema>;
export type ApiApplication = z.infer<typeof apiApplicationSchema>;
export type GraphApplication = z.infer<typeof graphApplicationSchema>;

/**
 * Reads `az ad app show` output; throws naming what is missing. `what` names the input in the message (its file).
 */
export function parseGraphApplication(json: unknown, what: string): GraphApplication {
  const parsed = graphApplicationSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  throw new Error(
    `${what} is not a Microsoft Graph application as \`az ad app show --id <client id>\` prints it:\n${lines.join('\n')}`,
  );
}
