import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

/**
 * Bundles the app's entry (package.json "main": functions/index.ts, which registers every function) into one
 * CommonJS file, `<out>/index.js`, so a cold instance reads one file instead of some thousands from node_modules,
 * and nothing needs installing in Azure. `@azure/functions-core` stays external: the Node worker provides it. DuckDB
 * stays external too (a native binding no bundler can inline): stageFunctionApp.ts ships it beside the bundle.
 */

const ROOT = path.resolve(__dirname, '..', '..');

/** Packages with a native binding, left out of the bundle and shipped as they are installed. */
export const NATIVE_PACKAGES = ['@duckdb/node-api', '@duckdb/node-bindings'];

/** The TypeScript source of package.json "main" (dist/functions/index.js -> functions/index.ts). */
export function entrySource(root: string = ROOT): string {
  const main = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string }).main;
  const match = /^dist\/(.+)\.js$/.exec(main);
  if (!match) throw new Error(`package.json "main" is not a file under dist/: ${main}`);
  return `${match[1]}.ts`;
}

/**
 * Writes `<out>/index.js`; returns its path. Not minified, names kept: stack traces in Application Insights stay
 * readable, and minifying did not load faster (tools/bench/coldStartBench.ts).
 */
export async function bundleFunctions(out: string, root: string = ROOT): Promise<string> {
  const outfile = path.join(out, 'index.js');
  await build({
    stdin: {
      // Loading the entry registers the functions; the registry and the wiring are exported so a bench or a test
      // can call a handler the way the host does.
      contents: [
        `import './${entrySource(root).replace(/\.ts$/, '')}';`,
        "export { httpFunctions, timerFunctions } from './functions/registry';",
        "export { sharedWiring } from './functions/wiring';",
      ].join('\n'),
      resolveDir: root,
      sourcefile: 'functions-entry.ts',
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    external: ['@azure/functions-core', ...NATIVE_PACKAGES],
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
