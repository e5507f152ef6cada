import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../../functions/config';
import { bicepparamAssignments, paramDeclarations, readBicepFiles } from './bicepText';

// The files a Microsoft developer looks for (azd, GitHub Actions, the Agents Toolkit, Core Tools) against what they
// point at: they cannot run here, so these tests check that they parse and that every name they use exists.

const ROOT = path.resolve(__dirname, '..', '..', '..');
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');
const yamlOf = (file: string) => parseYaml(read(file));
/** JSON with `//` comment lines, as VS Code writes launch.json and tasks.json. */
const jsoncOf = (file: string) =>
  JSON.parse(
    read(file)
      .split('\n')
      .filter((l) => !l.trim().startsWith('//'))
      .join('\n'),
  );

const pkg = JSON.parse(read('package.json'));
const main = readBicepFiles().find((f) => f.file === 'main.bicep');
if (!main) throw new Error('infra/main.bicep missing');
const bicepParams = paramDeclarations(main).map((p) => p.name);
const bicepOutputs = [...main.text.matchAll(/^output\s+(\w+)\s/gm)].map((m) => m[1]);
/** The environment names infra/main.bicepparam reads (readEnvironmentVariable). */
const paramEnvNames = [...read('infra/main.bicepparam').matchAll(/readEnvironmentVariable\('(\w+)'/g)].map(
  (m) => m[1],
);
const placeholders = (text: string): string[] => [...text.matchAll(/\$\{\{(\w+)\}\}/g)].map((m) => m[1]);

describe('azure.yaml (azd up)', () => {
  const azd = yamlOf('azure.yaml');

  it('provisions infra/main.bicep with its .bicepparam', () => {
    expect(azd.infra).toEqual({ provider: 'bicep', path: 'infra', module: 'main' });
    expect(existsSync(path.join(ROOT, 'infra', 'main.bicep'))).toBe(true);
    expect(existsSync(path.join(ROOT, 'infra', 'main.bicepparam'))).toBe(true);
    // azd takes the .bicepparam when both exist, so a main.parameters.json beside it would be silently ignored
    // (and its prompts for missing values with it): there is none.
    expect(existsSync(path.join(ROOT, 'infra', 'main.parameters.json'))).toBe(false);
  });

  it('deploys the staged app to the function app the Bicep tags for it', () => {
    const [name, service] = Object.entries(azd.services)[0] as [string, Record<string, unknown>];
    expect(service).toMatchObject({ project: './.deploy', language: 'js', host: 'function' });
    expect(main.text).toContain(`'azd-service-name': '${name}'`);
    // The folder exists in a fresh clone (azd checks the project path), and the hooks fill it.
    expect(existsSync(path.join(ROOT, '.deploy', 'README.md'))).toBe(true);
    for (const hook of ['prepackage', 'predeploy']) expect(azd.hooks[hook].run).toMatch(/npm run stage$/);
    expect(pkg.scripts.stage).toMatch(/scripts\/stageFunctionApp\.ts/);
  });

  it('builds the Teams package after deploying, from the outputs azd keeps in its environment', () => {
    expect(azd.hooks.postdeploy).toMatchObject({ run: 'npm run package', continueOnError: true });
    expect(bicepOutputs).toEqual(expect.arrayContaining(['BOT_ID', 'BOT_DOMAIN']));
  });
});

describe('GitHub Actions', () => {
  it('CI installs, type-checks, lints and runs the README test command, with Chromium for the browser tests', () => {
    const ci = yamlOf('.github/workflows/ci.yml');
    const steps: { run?: string; uses?: string }[] = ci.jobs.test.steps;
    const runs = steps.map((s) => s.run ?? s.uses ?? '');
    expect(runs).toEqual(
      expect.arrayContaining([
        'npm ci',
        'npm run typecheck',
        'npm run lint',
        'npm test',
        'actions/checkout@v4',
      ]),
    );
    expect(read('README.md')).toMatch(/^npm test\s/m);
    expect(runs.some((r) => /apt-get install -y -qq chromium/.test(r))).toBe(true);
    expect(ci.jobs.test.container.image).toMatch(/bookworm/);
  });

  it('deploy signs in with OIDC, builds and what-ifs the Bicep, and publishes the staged zip to Flex', () => {
    const deploy = yamlOf('.github/workflows/deploy.yml');
    expect(deploy.permissions).toMatchObject({ 'id-token': 'write', contents: 'read' });
    const steps: { uses?: string; run?: string; with?: Record<string, string> }[] = deploy.jobs.deploy.steps;
    const login = steps.find((s) => s.uses?.startsWith('azure/login@'));
    expect(Object.keys(login?.with ?? {}).sort()).toEqual(['client-id', 'subscription-id', 'tenant-id']);
    const script = steps.map((s) => s.run ?? '').join('\n');
    expect(script).toMatch(/az bicep build --file infra\/main\.bicep/);
    expect(script).toMatch(/az bicep build-params --file infra\/main\.bicepparam/);
    expect(script).toMatch(/az deployment group what-if .*--parameters infra\/main\.bicepparam/);
    expect(script).toMatch(/npm run stage -- --zip churn-app\.zip/);
    expect(script).toMatch(/az functionapp deployment source config-zip .*--src churn-app\.zip/);
    expect(script).toMatch(/properties\.outputs\.functionAppName\.value/);
    expect(bicepOutputs).toContain('functionAppName');
  });

  it('deploy stops before anything else without CURRENCY, saying to set the repository variable', () => {
    const deploy = yamlOf('.github/workflows/deploy.yml');
    const steps: { name?: string; run?: string; uses?: string }[] = deploy.jobs.deploy.steps;
    const check = steps.findIndex((s) => s.name === 'Check the required variables');
    const build = steps.findIndex((s) => s.run?.includes('az bicep build-params'));
    expect(check).toBe(0);
    expect(build).toBeGreaterThan(check);
    // Run as Actions runs a `run:` step, with the job's environment: an unset repository variable is ''.
    const run = (currency: string) =>
      spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', steps[check].run ?? ''], {
        env: { PATH: process.env.PATH, CURRENCY: currency },
        encoding: 'utf8',
      });
    const unset = run('');
    expect(unset.status).toBe(1);
    expect(unset.stdout).toMatch(/^::error title=CURRENCY is not set::Set the repository variable CURRENCY /);
    expect(unset.stdout).toContain('Settings > Secrets and variables > Actions > Variables');
    expect(read('docs/deploy.md')).toContain('`CURRENCY is not set`');
    const set = run('GBP');
    expect(set.status).toBe(0);
    expect(set.stdout).toBe('');
  });

  it('deploy passes every name infra/main.bicepparam reads, and drops the empty ones', () => {
    const deploy = yamlOf('.github/workflows/deploy.yml');
    const env: Record<string, string> = deploy.jobs.deploy.env;
    const listed = env.PARAMS.split(' ');
    expect([...listed].sort()).toEqual([...new Set(paramEnvNames)].sort());
    for (const n of listed) expect(env[n], n).toBe(`\${{ vars.${n} }}`);
    // Every step that reads the parameters file (the build as much as the deployment) drops them first:
    // readEnvironmentVariable returns '' for a variable set empty, not the default.
    const readers = (deploy.jobs.deploy.steps as { name?: string; run?: string }[]).filter((s) =>
      s.run?.includes('infra/main.bicepparam'),
    );
    expect(readers.length).toBeGreaterThanOrEqual(3);
    for (const step of readers) {
      expect(step.run, step.name).toMatch(
        /^for v in \$PARAMS; do \[ -z "\$\{!v\}" \] && unset "\$v"; done\n/,
      );
    }
  });
});

describe('Microsoft 365 Agents Toolkit', () => {
  const cloud = yamlOf('m365agents.yml');
  const local = yamlOf('m365agents.local.yml');
  const dev = parseEnv(read('env/.env.dev'));
  const localEnv = parseEnv(read('env/.env.local'));
  type Step = {
    uses: string;
    with?: Record<string, unknown>;
    writeToEnvironmentFile?: Record<string, string>;
  };
  const steps = (file: Record<string, Step[]>): Step[] => [
    ...(file.provision ?? []),
    ...(file.deploy ?? []),
    ...(file.publish ?? []),
  ];

  it('both files parse, with a version and the manifest in appPackage/', () => {
    for (const f of [cloud, local]) {
      expect(f.version).toMatch(/^v1\.\d+$/);
      for (const s of steps(f).filter((x) => x.with?.manifestPath))
        expect(existsSync(path.join(ROOT, String(s.with?.manifestPath)))).toBe(true);
    }
  });

  it('provisions infra/main.bicep with parameters that main.bicep declares, each filled from env/.env.dev', () => {
    const arm = steps(cloud).find((s) => s.uses === 'arm/deploy');
    const templates = (arm?.with?.templates ?? []) as { path: string; parameters: string }[];
    const template = templates[0];
    expect(template.path).toBe('./infra/main.bicep');
    const parameters = JSON.parse(read(template.parameters)).parameters as Record<string, { value: string }>;
    for (const [name, { value }] of Object.entries(parameters)) {
      expect(bicepParams, name).toContain(name);
      for (const v of placeholders(value)) expect(Object.keys(dev), v).toContain(v);
    }
  });

  it('every placeholder the deploy step and the manifest use is in the env file or written by provision', () => {
    const written = (f: Record<string, Step[]>) =>
      steps(f).flatMap((s) => Object.values(s.writeToEnvironmentFile ?? {}));
    const known = (env: Record<string, string | undefined>, f: Record<string, Step[]>) => [
      ...Object.keys(env),
      ...written(f),
      ...bicepOutputs,
      'TEAMS_APP_TENANT_ID',
      'SECRET_BOT_PASSWORD',
    ];
    for (const name of placeholders(JSON.stringify(cloud.deploy)))
      expect(known(dev, cloud), name).toContain(name);
    for (const name of placeholders(read('appPackage/manifest.json'))) {
      expect(known(dev, cloud), `dev: ${name}`).toContain(name);
      expect([...known(localEnv, local), 'BOT_ENDPOINT'], `local: ${name}`).toContain(name);
    }
  });

  it('provision resolves every placeholder it meets: the toolkit stops on one whose value is empty', () => {
    // What each step leaves for the later ones; the links and the currency are the ones env/.env.dev says to fill
    // before Provision.
    const userFilled = ['WEBSITE_URL', 'PRIVACY_URL', 'TERMS_URL', 'CURRENCY'];
    const resolvedBy = (
      file: Record<string, Step[]>,
      env: Record<string, string | undefined>,
      before: string[],
    ): string[] => {
      const known = [...Object.keys(env).filter((k) => env[k]), ...before, ...userFilled];
      const unresolved: string[] = [];
      for (const step of file.provision) {
        let text = JSON.stringify(step.with ?? {});
        if (step.uses === 'arm/deploy') {
          const templates = step.with?.templates as { parameters: string }[];
          text += templates.map((t) => read(t.parameters)).join('');
        }
        if (step.uses === 'teamsApp/validateManifest' || step.uses === 'teamsApp/zipAppPackage')
          text += read('appPackage/manifest.json');
        unresolved.push(...placeholders(text).filter((n) => !known.includes(n)));
        known.push(...Object.values(step.writeToEnvironmentFile ?? {}));
        if (step.uses === 'arm/deploy') known.push(...bicepOutputs);
        if (step.uses === 'script' && String(step.with?.run).includes('tabSsoClientId.cjs'))
          known.push('TAB_SSO_CLIENT_ID');
      }
      return unresolved;
    };
    // The toolkit asks for these two when they are empty; the dev tunnel writes the local endpoint first.
    expect(resolvedBy(cloud, dev, ['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME'])).toEqual([]);
    expect(resolvedBy(local, localEnv, ['BOT_ENDPOINT', 'BOT_DOMAIN'])).toEqual([]);
  });

  it('the SSO id step gives the manifest TAB_SSO_CLIENT_ID, or the bot id with a warning that the tabs will not sign in', () => {
    const run = (env: Record<string, string>) =>
      spawnSync(process.execPath, [path.join(ROOT, 'tools', 'scripts', 'tabSsoClientId.cjs')], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, ...env },
      });
    const sso = '11111111-1111-1111-1111-111111111111';
    const bot = '22222222-2222-2222-2222-222222222222';
    const set = run({ BOT_ID: bot, TAB_SSO_CLIENT_ID: sso });
    expect(set.stdout).toBe(`::set-teamsfx-env TAB_SSO_CLIENT_ID=${sso}\n`);
    expect(set.stderr).toBe('');
    const withoutSso: Record<string, string>[] = [
      { BOT_ID: bot, TEAMSFX_ENV: 'dev' },
      // What the step leaves in the env file; the next run warns again.
      { BOT_ID: bot, TAB_SSO_CLIENT_ID: bot, TEAMSFX_ENV: 'dev' },
    ];
    for (const env of withoutSso) {
      const fallback = run(env);
      expect(fallback.status).toBe(0);
      expect(fallback.stdout).toBe(`::set-teamsfx-env TAB_SSO_CLIENT_ID=${bot}\n`);
      expect(fallback.stderr).toMatch(/tabs cannot sign in.*docs\/tabs\.md.*env\/\.env\.dev/s);
    }
    expect(run({}).status).toBe(1);
    // Before every manifest validation, in both files.
    for (const list of [cloud.provision, local.provision, cloud.publish] as Step[][]) {
      const validate = list.findIndex((x) => x.uses === 'teamsApp/validateManifest');
      const script = list.findIndex(
        (x) => x.uses === 'script' && String(x.with?.run).includes('tabSsoClientId.cjs'),
      );
      expect(script).toBeGreaterThanOrEqual(0);
      expect(script).toBeLessThan(validate);
    }
  });

  it('local debugging writes the bot and tab SSO settings config.ts reads, for a single-tenant app', () => {
    const write = steps(local).find((s) => s.uses === 'file/createOrUpdateEnvironmentFile');
    const envs = write?.with?.envs as Record<string, string>;
    expect(write?.with?.target).toBe('./.localConfigs');
    expect(Object.keys(envs).sort()).toEqual([
      'MicrosoftAppId',
      'MicrosoftAppPassword',
      'MicrosoftAppTenantId',
      'MicrosoftAppType',
      'TAB_SSO_AUDIENCE',
      'TAB_SSO_CLIENT_ID',
    ]);
    expect(envs.MicrosoftAppType).toBe('SingleTenant');
    // The local tab API checks tokens for the app the manifest's webApplicationInfo names: without these
    // the local host answered 401 to every tab request in Teams, the SSO app registered or not.
    const sso = JSON.parse(read('appPackage/manifest.json')).webApplicationInfo as {
      id: string;
      resource: string;
    };
    expect(envs.TAB_SSO_CLIENT_ID).toBe(sso.id);
    expect(envs.TAB_SSO_AUDIENCE).toBe(sso.resource);
    expect(steps(local).find((s) => s.uses === 'aadApp/create')?.with?.signInAudience).toBe('AzureADMyOrg');
    expect(read('.gitignore')).toMatch(/^\.localConfigs$/m);
    expect(read('.gitignore')).toMatch(/^env\/\.env\.\*\.user$/m);
  });
});

describe('VS Code', () => {
  it('"Debug in Teams" starts the local host behind a dev tunnel on the port the host listens on', () => {
    const launch = jsoncOf('.vscode/launch.json');
    const tasks = jsoncOf('.vscode/tasks.json').tasks as {
      label: string;
      command?: string;
      dependsOn?: string[];
      args?: { ports?: { portNumber: number }[] };
    }[];
    const compound = launch.compounds.find((c: { name: string }) => c.name.startsWith('Debug in Teams'));
    const start = tasks.find((t) => t.label === compound.preLaunchTask);
    for (const dep of start?.dependsOn ?? []) expect(tasks.map((t) => t.label)).toContain(dep);
    const tunnel = tasks.find((t) => t.command === 'debug-start-local-tunnel');
    expect(tunnel?.args?.ports?.[0].portNumber).toBe(3978);
    expect(tasks.find((t) => t.label === 'Start application')?.command).toMatch(/npm run host$/);
    expect(read('README.md')).toMatch(/127\.0\.0\.1:3978/);
  });
});

describe('Azure Functions Core Tools files', () => {
  it('local.settings.json.example holds settings config.ts accepts', () => {
    const { Values } = JSON.parse(read('local.settings.json.example'));
    expect(Values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    expect(() => loadConfig(Values)).not.toThrow();
    expect(read('.gitignore')).toMatch(/^local\.settings\.json$/m);
  });

  it('.funcignore keeps secrets and tests home, and what a remote build compiles', () => {
    const ignored = read('.funcignore')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(
      expect.arrayContaining(['local.settings.json', 'node_modules/', 'test/', '.localConfigs']),
    );
    for (const kept of ['tsconfig.json', 'tsconfig.build.json', 'functions/', 'package.json', 'host.json'])
      expect(ignored).not.toContain(kept);
  });

  it("holds no CPU profile: `node --cpu-prof` (docs/scale.md) writes one where it runs, with this machine's paths", () => {
    const git = (...args: string[]) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
    expect(git('ls-files', '*.cpuprofile').stdout).toBe('');
    // Published from the repository root, Core Tools would upload one left there: git ignores them.
    expect(git('check-ignore', '-q', 'prof/CPU.20261206.000000.1.0.001.cpuprofile').status).toBe(0);
  });
});

describe('main.bicepparam names', () => {
  it('reads one environment name per parameter', () => {
    const assigned = bicepparamAssignments(read('infra/main.bicepparam'));
    expect(new Set(paramEnvNames).size).toBe(assigned.size);
  });
});

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe("docs/deploy.md's troubleshooting", () => {
  /** The product's source, where every log line is written. */
  const sources = ['functions', 'bot', 'jobs', 'feed', 'storage', 'tabs/api', 'rules'].flatMap((dir) =>
    (readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .map((f) => read(path.join(dir, f))),
  );
  /** The template literals, word by word, each `${...}` part marked: it stands for any text within its word. */
  const templates = sources.flatMap((text) =>
    [...text.matchAll(/`([^`]*\$\{[^`]*)`/g)].map((m) => m[1].replace(/\$\{[^}]*\}/g, '\u0000').split(' ')),
  );
  /** A quoted message is the first words of what a template writes; its last word may stop inside one ("failed" of "failed:"). */
  const fromTemplate = (message: string, words: string[]): boolean => {
    const said = message.split(' ');
    return (
      said.length <= words.length &&
      said.every((word, i) => {
        const pattern = words[i].split('\u0000').map(escapeRegExp).join('\\S*');
        const last = i === said.length - 1;
        return (
          new RegExp(`^${pattern}$`).test(word) ||
          (last && !words[i].includes('\u0000') && words[i].startsWith(word))
        );
      })
    );
  };
  const writtenByTheApp = (message: string): boolean =>
    sources.some((text) => text.includes(message)) || templates.some((words) => fromTemplate(message, words));

  // A first deployer searches the log for the text the guide quotes: it must be what the app writes.
  it('quotes, in its "The log says" column, only messages the app writes', () => {
    const guide = read('docs/deploy.md');
    const section = guide.slice(guide.indexOf('## Troubleshooting'), guide.indexOf('## azd up'));
    const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| ---'));
    const quoted = rows
      .slice(1)
      .flatMap((row) => [...(row.split('|')[2] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]));
    expect(quoted.length).toBeGreaterThanOrEqual(8);
    expect(quoted.filter((message) => !writtenByTheApp(message))).toEqual([]);
    expect(writtenByTheApp('health check feed failed')).toBe(true);
    expect(writtenByTheApp('health check nothing succeeded')).toBe(false);
  });
});

/** The shell blocks of docs/deploy.md, as a deployer copies them. */
const guideShellBlocks = (): string[] =>
  [...read('docs/deploy.md').matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);

describe("docs/deploy.md's redeployments", () => {
  // Every deployment sets every parameter, and one whose variable is unset in that shell takes its default: a
  // redeploy from a new terminal would put the time zone back to UTC and remove the admins.
  it('reads the settings file in every shell block that deploys the Bicep', () => {
    const blocks = guideShellBlocks();
    const deploying = blocks.filter((b) => /az deployment group create .*main\.bicepparam/.test(b));
    expect(deploying.length).toBeGreaterThanOrEqual(5);
    for (const block of deploying) {
      const readsSettings = block.indexOf('. ~/churn-prod.env');
      expect(readsSettings, block).toBeGreaterThanOrEqual(0);
      expect(readsSettings, block).toBeLessThan(block.indexOf('az deployment group create'));
    }
  });
});

describe("docs/deploy.md's outputs", () => {
  /** The deployment outputs a text reads: `properties.outputs.<name>` and the guide's `$(out <name>)`. */
  const outputsRead = (text: string): string[] => [
    ...new Set([...text.matchAll(/properties\.outputs\.(\w+)|\$\(out (\w+)\)/g)].map((m) => m[1] ?? m[2])),
  ];

  // Step 2 reads the names the later steps use from the deployment; a name main.bicep does not output reads as
  // empty (az prints nothing), and the next command fails far from the cause ("--name" missing, an empty domain).
  it('reads only outputs main.bicep declares, in the guide and the deploy workflow', () => {
    const names = outputsRead(`${read('docs/deploy.md')}\n${read('.github/workflows/deploy.yml')}`);
    expect(names).toEqual(
      expect.arrayContaining(['functionAppName', 'appDomain', 'botAppId', 'storageAccountName']),
    );
    expect(names.filter((name) => !bicepOutputs.includes(name))).toEqual([]);
    expect(outputsRead('APP=$(out functionAppname)').filter((n) => !bicepOutputs.includes(n))).toEqual([
      'functionAppname',
    ]);
  });
});

describe("docs/deploy.md's tab sign-in by CLI", () => {
  // The admin center creates an app registration's service principal with it; `az ad app create` does not, and
  // without one Entra issues no token for the tabs' scope in the tenant (AADSTS500011: the resource principal
  // was not found), pre-authorized Teams clients or not.
  it('creates the service principal of the SSO app it registers', () => {
    const blocks = guideShellBlocks();
    const registering = blocks.filter((b) => /az ad app create /.test(b));
    expect(registering.length).toBeGreaterThanOrEqual(1);
    for (const block of registering) {
      const app = /(\w+)=\$\(az ad app create /.exec(block)?.[1];
      expect(app, block).toBeDefined();
      expect(block).toMatch(new RegExp(`az ad sp create --id "\\$${app}"`));
    }
  });
});

describe("docs/deploy.md's feed upload", () => {
  // The feed may be an Excel workbook, a tab-separated text export, gzipped, zipped or a folder of parts
  // (docs/feed.md): an upload that takes only `*.csv` leaves such a feed on the deployer's disk, and the
  // app's health check then answers 503 with "has no blob orders.csv" after an upload that said nothing.
  it('uploads every kind of file the feed container is read from', () => {
    const uploads = guideShellBlocks()
      .flatMap((b) => b.replace(/\\\n\s*/g, ' ').split('\n'))
      .filter((line) => /az storage blob upload-batch .*--destination feed/.test(line));
    expect(uploads.length).toBeGreaterThanOrEqual(1);
    const feedFiles = [
      'customers.csv',
      'customers.xlsx',
      'orders.txt',
      'orders.tsv',
      'orders.csv.gz',
      'orders.zip',
      'export.zip',
      'orders.parquet',
      'orders/part-00000-1f2e.csv',
      'tickets.xlsx',
    ];
    for (const line of uploads) {
      const pattern = /--pattern\s+'([^']*)'/.exec(line)?.[1];
      // az's --pattern is a Unix shell glob on the path below --source.
      const glob =
        pattern &&
        new RegExp(
          `^${pattern
            .replace(/[.+^$()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        );
      const missed = feedFiles.filter((name) => glob && !glob.test(name));
      expect(missed, line).toEqual([]);
    }
  });
});

describe("docs/deploy.md's azd up", () => {
  // main.bicep is resource-group scoped: azd deploys it into the group AZURE_RESOURCE_GROUP names, which must
  // exist (azd creates a group only for a subscription-scoped template, or when it prompts). From a new
  // subscription, the guide's azd steps alone met a group that was never created.
  it('creates the resource group it names before azd provisions into it', () => {
    const blocks = guideShellBlocks().filter((b) => /^azd up\b/m.test(b));
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    for (const block of blocks) {
      const group = /azd env set AZURE_RESOURCE_GROUP (\S+)/.exec(block)?.[1];
      expect(group, block).toBeDefined();
      const created = block.indexOf(`az group create --name ${group} `);
      expect(created, block).toBeGreaterThanOrEqual(0);
      expect(created, block).toBeLessThan(block.search(/^azd up\b/m));
    }
  });
});

describe("docs/deploy.md's deployer identity", () => {
  // A managed identity created a moment before may not have reached every Entra replica: `--assignee` looks it up
  // in Microsoft Graph and can fail ("Cannot find user or service principal"), where its object id with the
  // principal type skips the lookup.
  it('grants a role to an identity it has just created by object id and principal type', () => {
    const blocks = guideShellBlocks()
      .map((b) => b.replace(/\\\n\s*/g, ' '))
      .filter((b) => /az identity create /.test(b));
    expect(blocks.length).toBeGreaterThanOrEqual(1);
    for (const block of blocks) {
      const grants = block.split('\n').filter((line) => /az role assignment create /.test(line));
      expect(grants.length, block).toBeGreaterThanOrEqual(1);
      for (const line of grants) {
        expect(line).toMatch(/--assignee-object-id "\$\w+"/);
        expect(line).toContain('--assignee-principal-type ServicePrincipal');
        const variable = /--assignee-object-id "\$(\w+)"/.exec(line)?.[1];
        // The object id is the identity's principalId, not its clientId (the application id).
        expect(block).toMatch(new RegExp(`${variable}=\\$\\(az identity show [^)]*--query principalId `));
      }
    }
  });
});

describe("the guides' az resource commands", () => {
  /** The `az resource show|update|delete` commands of the guides and the README, each on one line. */
  const resourceCommands = (): string[] =>
    ['README.md', ...readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`)]
      .filter((f) => f.endsWith('.md'))
      .flatMap((f) =>
        read(f)
          .replace(/\\\n\s*/g, ' ')
          .split('\n'),
      )
      .flatMap((line) => [...line.matchAll(/az resource (?:show|update|delete) [^`]*/g)].map((m) => m[0]));

  /**
   * Where az sends a command that gives a child resource by its full type: it takes the type's first two segments
   * as the namespace and the top type, and appends the name to them, so the name must carry the child type
   * (Microsoft Learn, "Configure an App Service app": `--resource-type "Microsoft.Web/sites/config" --name
   * <app-name>/config/web`). Subshells stand for one name segment.
   */
  const requestedPath = (command: string): { type: string; path: string } | undefined => {
    let flat = command;
    while (/\$\([^()]*\)/.test(flat)) flat = flat.replace(/\$\([^()]*\)/g, 'NAME');
    const type = /--resource-type\s+"?([^"\s]+)"?/.exec(flat)?.[1];
    const name = /(?:\s-n|--name)\s+"?([^"\s]+)"?/.exec(flat)?.[1];
    if (!type || !name || /--parent|--namespace|--ids/.test(flat)) return undefined;
    const [namespace, topType] = type.split('/');
    return { type, path: `${namespace}/${topType}/${name}` };
  };

  /** Whether an ARM path alternates types and names as the full type says: `NS/a/<name>/b/<name>`. */
  const addressesTheType = (target: { type: string; path: string } | undefined): boolean => {
    if (!target) return false;
    const { type, path: armPath } = target;
    const types = type.split('/').slice(1);
    const segments = armPath.split('/').slice(1);
    return (
      segments.length === types.length * 2 &&
      types.every((t, i) => segments[i * 2].toLowerCase() === t.toLowerCase() && segments[i * 2 + 1] !== '')
    );
  };

  // A child resource named without its child type (`<bot>/MsTeamsChannel` for botServices/channels) is asked for
  // at a path ARM has no resource type for, and the check of step 8 fails on a channel that is connected.
  it('names a child resource with its child type, where ARM has it', () => {
    const commands = resourceCommands();
    expect(commands.length).toBeGreaterThanOrEqual(1);
    const wrong = commands.filter((c) => {
      const target = requestedPath(c);
      return target !== undefined && !addressesTheType(target);
    });
    expect(wrong).toEqual([]);
    const channel = (name: string) =>
      requestedPath(
        `az resource show -g "$RG" --resource-type Microsoft.BotService/botServices/channels -n "${name}"`,
      );
    expect(addressesTheType(channel('$(az resource list -o tsv)/MsTeamsChannel'))).toBe(false);
    expect(addressesTheType(channel('$(az resource list -o tsv)/channels/MsTeamsChannel'))).toBe(true);
  });
});
