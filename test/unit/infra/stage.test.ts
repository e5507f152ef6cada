import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { entrySource } from '../../../tools/scripts/bundleFunctions';
import { stage, zippable } from '../../../tools/scripts/stageFunctionApp';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Every function the app registers (functions/index.ts): what `az functionapp function list` should show. */
const FUNCTIONS = [
  'dailyFollowUps',
  'health',
  'messages',
  'monthlySummary',
  'tabAction',
  'tabCustomer',
  'tabCustomerChart',
  'tabCustomers',
  'tabMe',
  'tabPages',
  'tabTeam',
  'weeklyRun',
];

/** Loads the staged bundle in a bare Node process, as the host would; the function names it registered. */
function registeredIn(out: string): { names: string[]; stderr: string } {
  const probe = path.join(out, 'probe.js');
  writeFileSync(
    probe,
    "const m = require('./dist/index.js'); console.log(JSON.stringify([...m.httpFunctions, ...m.timerFunctions].map((f) => f.name).sort()));",
  );
  const run = spawnSync(process.execPath, [probe], {
    cwd: out,
    encoding: 'utf8',
    env: { PATH: process.env.PATH },
  });
  rmSync(probe);
  expect(run.status, run.stderr).toBe(0);
  return { names: JSON.parse(run.stdout.trim().split('\n').pop() ?? '[]'), stderr: run.stderr };
}

/** Every file under `dir`, relative, with forward slashes. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(dir, `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );
}

/**
 * The files `azd deploy` puts in a Node function app's package, by azd's rule (Microsoft Learn, "Configure service
 * packaging file exclusions"): with a .funcignore in the service folder, all but what its gitignore rules match
 * (evaluated here by git itself); without one, all but every folder named node_modules, at any depth.
 */
function filesAzdPackages(dir: string): string[] {
  const files = filesUnder(dir);
  const ignoreFile = path.join(dir, '.funcignore');
  if (!existsSync(ignoreFile)) return files.filter((f) => !f.split('/').includes('node_modules'));
  const gitDir = path.join(mkdtempSync(path.join(tmpdir(), 'churn-funcignore-')), '.git');
  const git = (args: string[], input?: string) =>
    spawnSync('git', [`--git-dir=${gitDir}`, `--work-tree=${dir}`, ...args], {
      cwd: dir,
      encoding: 'utf8',
      input,
    });
  expect(git(['init', '-q']).status).toBe(0);
  const check = git(
    ['-c', `core.excludesFile=${ignoreFile}`, 'check-ignore', '--no-index', '--stdin'],
    files.join('\n'),
  );
  // 0: some paths ignored, 1: none.
  expect([0, 1], check.stderr).toContain(check.status);
  const ignored = new Set(check.stdout.split('\n').filter(Boolean));
  return files.filter((f) => !ignored.has(f));
}

describe('npm run stage (what azd and the deploy workflow publish)', () => {
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'churn-stage-')), '.deploy');
  beforeAll(async () => {
    // As in the repository's .deploy/: a README that says what the folder is, kept by stage and never deployed.
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'README.md'), '# .deploy\n');
    await stage(out);
  }, 120_000);

  it('bundles the entry package.json "main" names', () => {
    expect(entrySource()).toBe('functions/index.ts');
  });

  it('writes a package.json with "main" on the bundle and nothing to install or run', () => {
    const pkg = JSON.parse(readFileSync(path.join(out, 'package.json'), 'utf8'));
    const root = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.main).toBe('dist/index.js');
    expect(pkg.version).toBe(root.version);
    expect(pkg.engines).toEqual(root.engines);
    expect(pkg.scripts).toBeUndefined();
    expect(pkg.dependencies).toBeUndefined();
    expect(readFileSync(path.join(out, 'host.json'), 'utf8')).toBe(
      readFileSync(path.join(ROOT, 'host.json'), 'utf8'),
    );
  });

  it("ships DuckDB's native packages for Linux x64 beside the bundle, and nothing else from node_modules", () => {
    expect(readdirSync(path.join(out, 'dist', 'node_modules'))).toEqual(['@duckdb']);
    expect(readdirSync(path.join(out, 'dist', 'node_modules', '@duckdb')).sort()).toEqual([
      'node-api',
      'node-bindings',
      'node-bindings-linux-x64',
    ]);
    // A top-level node_modules is npm's: `npm install` (azd, a remote build) would prune what package.json omits.
    expect(existsSync(path.join(out, 'node_modules'))).toBe(false);
  });

  it('the bundle loads with only those packages and registers every function', () => {
    const { names, stderr } = registeredIn(out);
    expect(names).toEqual(FUNCTIONS);
    // Outside the host, @azure/functions says which registrations it skipped: one per function.
    for (const name of FUNCTIONS) expect(stderr).toContain(`register function "${name}"`);
  });

  it('keeps DuckDB through the `npm install` azd and a remote build run in the folder', () => {
    const npm = spawnSync(
      'npm',
      ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--no-update-notifier'],
      { cwd: out, encoding: 'utf8' },
    );
    expect(npm.status, npm.stderr).toBe(0);
    rmSync(path.join(out, 'package-lock.json'), { force: true });
    expect(readdirSync(path.join(out, 'dist', 'node_modules', '@duckdb'))).toHaveLength(3);
    expect(registeredIn(out).names).toEqual(FUNCTIONS);
  });

  // azd packages a Node function app without its node_modules folders unless the service folder has a .funcignore:
  // DuckDB's in dist/ went too, and `azd up` deployed a bundle that cannot load (no function listed in Azure).
  it('keeps DuckDB in what azd packages, and leaves out the README', () => {
    const packaged = filesAzdPackages(out);
    expect(packaged).toEqual(expect.arrayContaining(['host.json', 'package.json', 'dist/index.js']));
    const deployed = path.join(mkdtempSync(path.join(tmpdir(), 'churn-azd-')), 'app');
    for (const file of packaged) {
      mkdirSync(path.dirname(path.join(deployed, file)), { recursive: true });
      cpSync(path.join(out, file), path.join(deployed, file));
    }
    expect(registeredIn(deployed).names).toEqual(FUNCTIONS);
    expect(packaged).not.toContain('README.md');
  });

  it("carries the tabs' front end where functions/tabPages.ts looks beside the bundle", () => {
    expect(readFileSync(path.join(out, 'tabs', 'web', 'index.html'), 'utf8')).toBe(
      readFileSync(path.join(ROOT, 'dist', 'tabs', 'web', 'index.html'), 'utf8'),
    );
    expect(readFileSync(path.join(ROOT, 'functions', 'tabPages.ts'), 'utf8')).toContain(
      "join(__dirname, '..', 'tabs', 'web')",
    );
  });

  // npm ci installs a native build only on its own platform, so staging anywhere else stops ("... is not
  // installed"): the guide says where step 3 runs, and a container for it must be of that platform.
  it('runs where docs/deploy.md says: on the platform of the one DuckDB build it ships', () => {
    const builds = readdirSync(path.join(out, 'dist', 'node_modules', '@duckdb')).flatMap((name) => {
      const m = /^node-bindings-([a-z0-9]+)-([a-z0-9]+)$/.exec(name);
      return m ? [{ os: m[1], arch: m[2] }] : [];
    });
    expect(builds).toHaveLength(1);
    const [{ os, arch }] = builds;
    const said = `${os === 'linux' ? 'Linux' : os} ${arch}`;
    // Docker names x64 amd64; without --platform, an Apple silicon Mac runs an arm64 container.
    const dockerPlatform = `${os}/${arch === 'x64' ? 'amd64' : arch}`;
    const guide = readFileSync(path.join(ROOT, 'docs', 'deploy.md'), 'utf8');
    const section = (from: string, to: string) => guide.slice(guide.indexOf(from), guide.indexOf(to));
    for (const part of [section('## 0.', '## 1.'), section('## 3.', '## 4.')]) expect(part).toContain(said);
    const containers = guide.split('\n').filter((line) => /docker run /.test(line));
    expect(containers.length).toBeGreaterThanOrEqual(1);
    for (const line of containers) expect(line).toContain(`--platform ${dockerPlatform}`);
  });

  it('zips the folder without its README, files at the zip root', () => {
    const files = unzipSync(zipSync(zippable(out)));
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining(['host.json', 'package.json', 'dist/index.js']),
    );
    expect(Object.keys(files)).not.toContain('README.md');
  });
});
