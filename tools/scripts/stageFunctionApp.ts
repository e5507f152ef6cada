import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type Zippable, zipSync } from 'fflate';
import { bundleFunctions, NATIVE_PACKAGES } from './bundleFunctions';

/** Flex Consumption runs Linux on x64: the one native build of DuckDB the app needs there. */
const AZURE_NATIVE_PACKAGES = [...NATIVE_PACKAGES, '@duckdb/node-bindings-linux-x64'];

/**
 * `npm run stage`: lays out what runs in Azure in .deploy/: host.json, the functions bundled into one file
 * (dist/index.js, see bundleFunctions.ts), DuckDB's native packages beside it in dist/node_modules, the tabs' built
 * front end (tabs/web) and a package.json whose "main" points at the bundle, with no scripts and no dependencies.
 * Nothing is left to install or compile in Azure: azd, `func azure functionapp publish` and a remote build all find a
 * ready app (the repository's own package.json would run tsc on sources that are not deployed).
 * `--zip <file>` also zips it for `az functionapp deployment source config-zip`.
 */

const ROOT = path.resolve(__dirname, '..', '..');

/** Where the native packages go in the staged app: beside the bundle, out of reach of `npm install`. */
export const NATIVE_PACKAGES_DIR = path.join('dist', 'node_modules');

/**
 * Files of the staged folder that are not part of the app: its README, and the ignore file that says so. The zip
 * leaves them out, and so do azd and Core Tools through that `.funcignore`. It must exist: without one azd packages
 * a Node function app without any folder named node_modules, at any depth, so DuckDB's in dist/ too, and the
 * deployed bundle fails to load (MODULE_NOT_FOUND, no function listed).
 */
export const NOT_DEPLOYED = ['README.md', '.funcignore'];

/** The package.json Azure sees: name, version, engines and "main" = the bundle; nothing to install or run. */
export function deployedPackageJson(pkg: Record<string, unknown>): Record<string, unknown> {
  const keep = ['name', 'version', 'private', 'description', 'type', 'engines'];
  return {
    ...Object.fromEntries(keep.filter((k) => k in pkg).map((k) => [k, pkg[k]])),
    main: 'dist/index.js',
  };
}

/** Writes the staged app into `out` (emptied first, except a README that says what the folder is). */
export async function stage(out: string, root: string = ROOT): Promise<void> {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  mkdirSync(out, { recursive: true });
  for (const entry of readdirSync(out))
    if (entry !== 'README.md') rmSync(path.join(out, entry), { recursive: true });
  cpSync(path.join(root, 'host.json'), path.join(out, 'host.json'));
  await bundleFunctions(path.join(out, 'dist'), root);
  // The tabs' front end (npm run build:tabs), where functions/tabPages.ts looks beside the code: <out>/tabs/web.
  const web = path.join(root, 'dist', 'tabs', 'web');
  if (!existsSync(path.join(web, 'index.html'))) {
    throw new Error('dist/tabs/web is missing: run `npm run build:tabs` first (npm run stage does)');
  }
  cpSync(web, path.join(out, 'tabs', 'web'), { recursive: true });
  // DuckDB's native binding cannot be bundled: its packages go beside the bundle as npm installed them. Not in
  // <out>/node_modules: azd and a remote build run `npm install` in <out>, which removes every package there that
  // package.json does not list. Node finds dist/node_modules from the bundle's own folder, and npm leaves it alone.
  for (const name of AZURE_NATIVE_PACKAGES) {
    const from = path.join(root, 'node_modules', name);
    if (!existsSync(from)) throw new Error(`${name} is not installed: run npm install (npm ci) on Linux x64`);
    cpSync(from, path.join(out, NATIVE_PACKAGES_DIR, name), { recursive: true });
  }
  writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(deployedPackageJson(pkg), null, 2)}\n`);
  // gitignore syntax; the leading slash keeps each name to the folder's top level.
  writeFileSync(path.join(out, '.funcignore'), NOT_DEPLOYED.map((name) => `/${name}\n`).join(''));
}

/** Every file under `dir` as a zip entry (paths with forward slashes), those NOT_DEPLOYED at its top left out. */
export function zippable(dir: string): Zippable {
  const files: Zippable = {};
  const walk = (d: string, prefix: string): void => {
    for (const name of readdirSync(d)) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full, `${prefix}${name}/`);
      else if (!NOT_DEPLOYED.includes(`${prefix}${name}`)) files[`${prefix}${name}`] = readFileSync(full);
    }
  };
  walk(dir, '');
  return files;
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { out: { type: 'string' }, zip: { type: 'string' } },
  });
  const out = path.resolve(values.out ?? path.join(ROOT, '.deploy'));
  await stage(out);
  console.log(`staged ${out}`);
  if (values.zip) {
    const zip = path.resolve(values.zip);
    writeFileSync(zip, zipSync(zippable(out), { level: 6 }));
    console.log(`wrote ${zip}`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
