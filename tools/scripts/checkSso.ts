import { parseArgs } from 'node:util';
import { hostName } from '../../infra/package/manifest';
import type { GraphApplication } from '../../infra/sso/graphApplication';
import { checkSsoApp } from '../../infra/sso/ssoAppCheck';
import { readAppJson } from './readAppJson';

/**
 * `npm run check-sso -- app.json --domain <host>`: what is wrong with the tabs' SSO registration. Exit 1 when the
 * tabs cannot sign in in Teams, 2 on bad input, 0 otherwise (warnings included).
 */

const USAGE = `usage: npm run check-sso -- <app.json> --domain <app host name>
  app.json: az ad app show --id <client id> > app.json`;

/** Checks the app JSON the arguments name; returns the exit code and the lines to print. */
export async function main(argv: string[]): Promise<{ code: number; lines: string[] }> {
  let app: GraphApplication;
  let domain: string;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { domain: { type: 'string' }, help: { type: 'boolean' } },
    });
    if (values.help) return { code: 0, lines: [USAGE] };
    if (positionals.length !== 1) throw new Error('name one app JSON file');
    const parsedDomain = hostName.safeParse(values.domain ?? '');
    if (!parsedDomain.success) throw new Error(`--domain ${parsedDomain.error.issues[0].message}`);
    domain = parsedDomain.data;
    app = await readAppJson(positionals[0]);
  } catch (error) {
    return { code: 2, lines: [error instanceof Error ? error.message : String(error), USAGE] };
  }
  const findings = checkSsoApp(app, domain);
  const lines = findings.map((f) => `${f.level}: ${f.message}`);
  const failed = findings.some((f) => f.level === 'error');
  if (!failed)
    lines.push(
      `all good${findings.length ? ' for Teams (warnings above)' : ''}: app ${app.appId} for ${domain}`,
    );
  // The app JSON does not show the service principal, without which Entra issues no token (AADSTS500011).
  lines.push(`also check its service principal exists: az ad sp show --id ${app.appId} --query id -o tsv`);
  return { code: failed ? 1 : 0, lines };
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    ({ code, lines }) => {
      for (const line of lines) console.log(line);
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 2;
    },
  );
}
