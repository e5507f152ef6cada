import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ssoAppPatches } from '../../infra/sso/ssoAppPatches';
import { readAppJson } from './readAppJson';

/**
 * `npm run sso-app`: writes the Microsoft Graph PATCH bodies that set up the tabs' SSO app registration
 * (docs/tabs.md) and prints the `az rest` commands that send them, in order. It sends nothing itself.
 */

const USAGE = `usage: npm run sso-app -- --client-id <guid> --domain <app host name> --current <app.json> [--out dist/sso-app]
  --current   the app as it is now: az ad app show --id <client id> > app.json
              (its existing access_as_user scope, URIs and pre-authorized apps are kept: a rerun changes nothing)`;

const ROOT = path.resolve(__dirname, '..', '..');

/** Reads the flags and the app JSON, writes the bodies; returns what to print. */
export async function main(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'client-id': { type: 'string' },
      domain: { type: 'string' },
      current: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return USAGE;
  // Required: built blind, the bodies would replace an existing app's URIs, scopes and pre-authorizations.
  if (!values.current)
    throw new Error('--current <app.json> is required: az ad app show --id <client id> > app.json');
  const current = await readAppJson(values.current);
  const plan = ssoAppPatches(
    { clientId: values['client-id'] ?? '', domain: values.domain ?? '', newScopeId: randomUUID() },
    current,
  );
  const out = path.resolve(values.out ?? path.join(ROOT, 'dist', 'sso-app'));
  await mkdir(out, { recursive: true });
  const uri = `https://graph.microsoft.com/v1.0/applications(appId='${current.appId}')`;
  const commands: string[] = [];
  for (const { name, body } of plan.patches) {
    const file = path.join(out, `${name}.json`);
    await writeFile(file, `${JSON.stringify(body, null, 2)}\n`);
    commands.push(`az rest --method PATCH --uri "${uri}" --body @${path.relative(process.cwd(), file)}`);
  }
  return [`# access_as_user scope id ${plan.scopeId}; send in this order:`, ...commands].join('\n');
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (text) => console.log(text),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      console.error(USAGE);
      process.exitCode = 1;
    },
  );
}
