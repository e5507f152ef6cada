import { z } from 'zod';

/**
 * Fills appPackage/manifest.json, the one manifest template that both `npm run package` and the Microsoft 365
 * Agents Toolkit (`teamsApp/zipAppPackage` in m365agents.yml) read. Placeholders are the toolkit's `${{NAME}}`
 * inside JSON strings; every one must be filled.
 */

/** A GUID such as an app registration's client id. */
export const guid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/, 'must be a GUID');
/** A bare host name such as churn-func-abc.azurewebsites.net: no scheme, no path, no port. */
export const hostName = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i,
    'must be a host name like app.azurewebsites.net',
  );
// One check, one message: an empty or non-https value is reported once.
const httpsUrl = (what: string) =>
  z.string().refine((u) => u.startsWith('https://') && URL.canParse(u), `must be an https URL (${what})`);

/**
 * The placeholder values, by the names the template (and the toolkit's env/.env.* files) use. Teams shows the
 * privacy and terms links to every user, so they are required: the function app serves no such pages.
 * A new manifest feature (a tab, SSO) adds its placeholders here.
 */
export const manifestValuesSchema = z
  .object({
    BOT_ID: guid.describe("the bot's Microsoft App ID: the Bicep output botAppId"),
    BOT_DOMAIN: hostName.describe('the function app host name: the Bicep output appDomain'),
    /** Teams app id; defaults to the bot id (one app, one bot), as in the Bot Framework Teams samples. */
    TEAMS_APP_ID: guid.optional(),
    /**
     * The tabs' SSO app registration (docs/tabs.md). Without it the manifest has no webApplicationInfo: the bot's
     * managed identity cannot expose an API, so there is nothing the tabs could sign in to (their API answers 401).
     */
    TAB_SSO_CLIENT_ID: guid.optional(),
    DEVELOPER_NAME: z.string().min(1).max(32).default('Churn Predictor'),
    WEBSITE_URL: httpsUrl('WEBSITE_URL: your organisation or product page'),
    PRIVACY_URL: httpsUrl('PRIVACY_URL: your privacy statement'),
    TERMS_URL: httpsUrl('TERMS_URL: your terms of use'),
  })
  .transform((v) => ({ ...v, TEAMS_APP_ID: v.TEAMS_APP_ID ?? v.BOT_ID }));

export type ManifestValues = z.input<typeof manifestValuesSchema>;

/** What `npm run package` says when the tabs will not sign in; undefined when they can. */
export function tabSsoWarning(
  values: Pick<ManifestValues, 'BOT_ID' | 'TAB_SSO_CLIENT_ID'>,
): string | undefined {
  if (values.TAB_SSO_CLIENT_ID && values.TAB_SSO_CLIENT_ID !== values.BOT_ID) return undefined;
  const what = values.TAB_SSO_CLIENT_ID
    ? "the tabs' SSO id is the bot id, which exposes no API"
    : "no tabs' SSO app (--tab-sso-client-id): the manifest has no webApplicationInfo";
  return `warning: ${what}, so the tabs cannot sign in and their API answers 401 (the bot works). Register the SSO app (docs/tabs.md) and package again with --tab-sso-client-id <its client id>.`;
}

/** Replaces every `${{NAME}}` in the template's strings; throws on an unknown or an unfilled placeholder. */
export function fillManifest(templateText: string, input: ManifestValues): Record<string, unknown> {
  const parsed = manifestValuesSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Teams app package settings:\n${lines.join('\n')}`);
  }
  const values: Record<string, string | undefined> = parsed.data;
  const template = JSON.parse(templateText) as Record<string, unknown>;
  // No SSO app, no single sign-on to declare (the toolkit, which cannot leave a key out, puts the bot id there).
  if (!values.TAB_SSO_CLIENT_ID) delete template.webApplicationInfo;
  // Substitute inside parsed strings, not in raw text, so a value can never break the JSON.
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(/\$\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g, (_, name: string) => {
        const value = values[name];
        if (value === undefined) throw new Error(`manifest template: unknown placeholder \${{${name}}}`);
        return value;
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v)]));
    }
    return node;
  };
  return fill(template) as Record<string, unknown>;
}
