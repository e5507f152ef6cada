import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

/**
 * Bundles every Azure Functions entry point (the files in functions/ that register a trigger) into one CommonJS file,
 * `<out>/index.js`, so a cold instance reads one file instead of some thousands from node_modules, and nothing needs
 * installing in Azure.
 * `@azure/functions-core` stays external: the Node worker provides it at run time.
 */

const ROOT = path.resolve(__dirname, '..');

/** The functions/*.ts files that register a trigger (app.http / app.timer / ...): the host's entry points. */
export function functionEntryPoints(root: string = ROOT): string[] {
  const dir = path.join(root, 'functions');
  return readdirSync(dir)
    .filter(
      (f) =>
        f.endsWith('.ts') &&
        /\bapp\.(http|timer|storageBlob|storageQueue)\(/.test(readFileSync(path.join(dir, f), 'utf8')),
    )
    .sort();
}

/**
 * Writes `<out>/index.js`; returns its path. Not minified, names kept: stack traces in Application Insights stay
 * readable, and minifying did not load faster (bench/coldStartBench.ts).
 */
export async function bundleFunctions(out: string, root: string = ROOT): Promise<string> {
  const entries = functionEntryPoints(root);
  const outfile = path.join(out, 'index.js');
  await build({
    stdin: {
      // Importing each entry registers its triggers; re-exporting lets tests and benches call the handlers.
      contents: entries.map((f) => `export * from './functions/${f.replace(/\.ts$/, '')}';`).join('\n'),
      resolveDir: root,
      sourcefile: 'functions-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    external: ['@azure/functions-core'],
    // Some dependencies ship ESM that calls createRequire(import.meta.url); in a CommonJS bundle that is this file.
    banner: { js: "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__bundleUrl' },
    keepNames: true,
    logLevel: 'warning',
  });
  return outfile;
}

if (require.main === module) {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { out: { type: 'string' } } });
  bundleFunctions(path.resolve(values.out ?? path.join(ROOT, 'dist-bundle'))).then(
    (file) => console.log(`wrote ${file}`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
