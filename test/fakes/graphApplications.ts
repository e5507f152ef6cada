import { isDeepStrictEqual } from 'node:util';

/**
 * Microsoft Graph's PATCH of an application, as far as the tabs' SSO bodies touch it, with the rules Graph
 * publishes or answers with, stated here and not taken from the product:
 * - "Existing properties that are not included in the request body will maintain their previous values"
 *   (Update application, v1.0); a collection named in the body replaces the stored one.
 * - An enabled scope cannot be removed or changed: "Permission (scope or role) cannot be deleted or updated unless
 *   disabled first." (the permissionScope page: "To delete a permission, this property must first be set to false").
 * - A pre-authorization names scope ids the app already has; one added in the same request is not found
 *   ("...delegatedPermissionIds has a Permission Id that cannot be found in the AppPermissions sets").
 * Whether `api` itself is merged or replaced is not published: `apiMode` runs either.
 */

type Json = Record<string, unknown>;
interface Scope {
  id: string;
  isEnabled: boolean;
}
interface PreAuthorization {
  appId: string;
  delegatedPermissionIds: string[];
}

/** Graph's PATCH refusal, with its message. */
export class GraphBadRequest extends Error {}

/** The app after Graph applies `body` to `stored`; throws GraphBadRequest where Graph answers 400. */
export function patchApplication(stored: Json, body: Json, apiMode: 'merge' | 'replace' = 'merge'): Json {
  const next: Json = structuredClone(stored);
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'api') {
      next[key] = structuredClone(value);
      continue;
    }
    const before = (stored.api ?? {}) as Json;
    const api = (apiMode === 'merge' ? { ...before, ...(value as Json) } : { ...(value as Json) }) as Json;
    const oldScopes = (before.oauth2PermissionScopes ?? []) as Scope[];
    const newScopes = (api.oauth2PermissionScopes ?? []) as Scope[];
    for (const scope of oldScopes.filter((s) => s.isEnabled)) {
      const kept = newScopes.find((s) => s.id === scope.id);
      if (!isDeepStrictEqual(kept, scope))
        throw new GraphBadRequest(
          'Permission (scope or role) cannot be deleted or updated unless disabled first.',
        );
    }
    const storedIds = new Set(oldScopes.map((s) => s.id));
    for (const entry of (api.preAuthorizedApplications ?? []) as PreAuthorization[])
      for (const id of entry.delegatedPermissionIds)
        if (!storedIds.has(id))
          throw new GraphBadRequest(
            'Property api.preAuthorizedApplications.delegatedPermissionIds has a Permission Id that cannot be found in the AppPermissions sets.',
          );
    next.api = structuredClone(api);
  }
  return next;
}
