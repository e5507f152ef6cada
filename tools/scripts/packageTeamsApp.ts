import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { tabSsoWarning } from '../../infra/package/manifest';
import { buildTeamsAppPackage } from '../../infra/package/teamsAppPackage';

/**
 * `npm run package`: builds dist/teams-app.zip for upload to the Teams org catalog, from appPackage/.
 * Values come from the flags, else the environment, else `--env <name>` (the toolkit's env/.env.<name> file).
 */

const USAGE = `usage: npm run package -- [--env dev | --env-file <file>] [--bot-id <guid>] [--domain <app host name>] [--app-id <guid>] [--tab-sso-client-id <guid>] [--out dist/teams-app.zip]
  settings (flags win, then the environment, then env/.env.<name>):
    BOT_ID        the Bicep output botAppId            BOT_DOMAIN   the Bicep output appDomain
    PRIVACY_URL   your privacy statement (https)       TERMS_URL    your terms of use (https)
    WEBSITE_URL   your product or company page (https)
    optional: TAB_SSO_CLIENT_ID (the tabs' SSO app, docs/tabs.md: without it they cannot sign in), DEVELOPER_NAME;
    the manifest id: --app-id, else TEAMS_APP_ID
    from the env file, else the bot id (never TEAMS_APP_ID from the environment: there it is the org catalog id)`;

const ROOT = path.resolve(__dirname, '..', '..');

/** Reads a KEY=VALUE file (# comments) such as env/.env.dev, as the Microsoft 365 Agents Toolkit writes them. */
async function readEnvFile(file: string): Promise<Record<string, string>> {
  return parseEnv(await readFile(file, 'utf8')) as Record<string, string>;
}

/** Reads the flags and environment, builds the package and writes it; returns the output path. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void = console.warn,
): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      env: { type: 'string' },
      'env-file': { type: 'string' },
      'bot-id': { type: 'string' },
      domain: { type: 'string' },
      'app-id': { type: 'string' },
      'tab-sso-client-id': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return '';
  }
  const envFile = values['env-file'] ?? (values.env && path.join(ROOT, 'env', `.env.${values.env}`));
  const fromFile = envFile ? await readEnvFile(envFile) : {};
  // An empty value counts as unset, as the toolkit leaves keys it has not filled yet empty.
  const pick = (key: string): string | undefined => (env[key] || undefined) ?? (fromFile[key] || undefined);
  const settings = {
    BOT_ID: values['bot-id'] ?? pick('BOT_ID') ?? '',
    BOT_DOMAIN: values.domain ?? pick('BOT_DOMAIN') ?? '',
    // Not from the environment: there TEAMS_APP_ID is the org catalog id the deployed app links with (the Bicep
    // parameter, azd's environment), which Teams assigns on upload; the toolkit's env file holds the manifest id.
    TEAMS_APP_ID: values['app-id'] ?? (fromFile.TEAMS_APP_ID || undefined),
    TAB_SSO_CLIENT_ID: values['tab-sso-client-id'] ?? pick('TAB_SSO_CLIENT_ID'),
    DEVELOPER_NAME: pick('DEVELOPER_NAME'),
    WEBSITE_URL: pick('WEBSITE_URL') ?? '',
    PRIVACY_URL: pick('PRIVACY_URL') ?? '',
    TERMS_URL: pick('TERMS_URL') ?? '',
  };
  const { zip } = await buildTeamsAppPackage(settings);
  const warning = tabSsoWarning(settings);
  if (warning) warn(warning);
  const out = path.resolve(values.out ?? path.join(ROOT, 'dist', 'teams-app.zip'));
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, zip);
  return out;
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (out) => {
      if (out) console.log(`wrote ${out}`);
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      console.error(USAGE);
      process.exitCode = 1;
    },
  );
}
