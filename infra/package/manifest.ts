import { z } from 'zod';
import { ACCENT_HEX } from './icons';

/**
 * Fills infra/teams-app/manifest.template.json: the bot id (the managed identity's client id), the app's domain
 * and the developer links. Placeholders are `{{NAME}}` inside JSON strings; every one must be filled.
 */

const guid = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/,
    "must be a GUID (the bot's Microsoft App ID)",
  );
// A bare host name such as churn-func-abc.azurewebsites.net: no scheme, no path, no port.
const hostName = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
    'must be a host name like app.azurewebsites.net',
  );
const httpsUrl = z.url().refine((u) => u.startsWith('https://'), 'must be an https URL');

/** What a package needs; everything but botId and appDomain has a default. */
export const manifestInputSchema = z
  .object({
    botId: guid,
    appDomain: hostName,
    /** Teams app id; defaults to the bot id (one app, one bot), as in the Bot Framework Teams samples. */
    appId: guid.optional(),
    /** The tabs' SSO app registration (docs/tabs.md); without it the bot id stands in and the tab API answers 401. */
    tabSsoClientId: guid.optional(),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be MAJOR.MINOR.PATCH'),
    developerName: z.string().min(1).max(32).default('Churn Predictor'),
    websiteUrl: httpsUrl.optional(),
    privacyUrl: httpsUrl.optional(),
    termsUrl: httpsUrl.optional(),
  })
  .transform((i) => {
    const site = i.websiteUrl ?? `https://${i.appDomain}`;
    return {
      BOT_ID: i.botId,
      APP_ID: i.appId ?? i.botId,
      APP_DOMAIN: i.appDomain,
      TAB_SSO_CLIENT_ID: i.tabSsoClientId ?? i.botId,
      VERSION: i.version,
      DEVELOPER_NAME: i.developerName,
      WEBSITE_URL: site,
      PRIVACY_URL: i.privacyUrl ?? `${site.replace(/\/$/, '')}/privacy`,
      TERMS_URL: i.termsUrl ?? `${site.replace(/\/$/, '')}/terms`,
      ACCENT_COLOR: ACCENT_HEX,
    };
  });

export type ManifestInput = z.input<typeof manifestInputSchema>;

/** Replaces every `{{NAME}}` in the template's strings; throws on an unknown or an unfilled placeholder. */
export function fillManifest(templateText: string, input: ManifestInput): Record<string, unknown> {
  const values: Record<string, string> = manifestInputSchema.parse(input);
  // Substitute inside parsed strings, not in raw text, so a value can never break the JSON.
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: string) => {
        const value = values[name];
        if (value === undefined) throw new Error(`manifest template: unknown placeholder {{${name}}}`);
        return value;
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    }
    return node;
  };
  const filled = fill(JSON.parse(templateText));
  const leftover = JSON.stringify(filled).match(/\{\{[^}]*\}\}/);
  if (leftover) throw new Error(`manifest template: unfilled placeholder ${leftover[0]}`);
  return filled as Record<string, unknown>;
}
