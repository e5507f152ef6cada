import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildTeamsAppPackage } from '../../infra/package/teamsAppPackage';

/**
 * `npm run package -- --bot-id <guid> --domain <host>`: builds dist/teams-app.zip for upload to the Teams org
 * catalog. Values come from the flags, else from BOT_ID / APP_DOMAIN (the Bicep outputs botAppId / appDomain).
 */

const USAGE = `usage: npm run package -- --bot-id <guid> --domain <app host name> [--app-id <guid>] [--tab-sso-client-id <guid>] [--out dist/teams-app.zip]
  env fallbacks: BOT_ID, APP_DOMAIN, TEAMS_APP_ID, TAB_SSO_CLIENT_ID, DEVELOPER_NAME, WEBSITE_URL, PRIVACY_URL, TERMS_URL
  e.g. after deploying: --bot-id $(az deployment group show -g <rg> -n main --query properties.outputs.botAppId.value -o tsv)`;

/** Reads the flags and environment, builds the package and writes it; returns the output path. */
export async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
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
  const root = path.resolve(__dirname, '..', '..');
  const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const { zip } = await buildTeamsAppPackage({
    botId: values['bot-id'] ?? env.BOT_ID ?? '',
    appDomain: values.domain ?? env.APP_DOMAIN ?? '',
    appId: values['app-id'] ?? env.TEAMS_APP_ID,
    tabSsoClientId: values['tab-sso-client-id'] ?? env.TAB_SSO_CLIENT_ID,
    version: pkg.version,
    developerName: env.DEVELOPER_NAME,
    websiteUrl: env.WEBSITE_URL,
    privacyUrl: env.PRIVACY_URL,
    termsUrl: env.TERMS_URL,
  });
  const out = path.resolve(values.out ?? path.join(root, 'dist', 'teams-app.zip'));
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
