import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The layout the README's table promises, checked on the imports themselves: the product never
// reaches into the tools or the tests, rules stay pure, each SDK stays behind its own folder, and
// the functions' index loads every function that registers itself.

const ROOT = resolve(__dirname, '../../..');
const PRODUCT = ['functions', 'bot', 'cards', 'rules', 'jobs', 'feed', 'storage', 'tabs'];

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** The specifiers a file imports (static imports and re-exports), relative ones resolved to repo paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/^(?:import|export)[^;]*?from '([^']+)';/gms)].map((m) => m[1]);
  specs.push(...[...text.matchAll(/^import '([^']+)';/gm)].map((m) => m[1]));
  return specs.map((s) => (s.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), s)) : s));
}

const product = PRODUCT.flatMap(tsFiles);

function offenders(files: string[], bad: (spec: string) => boolean): string[] {
  return files.flatMap((f) =>
    importsOf(f)
      .filter(bad)
      .map((spec) => `${f} -> ${spec}`),
  );
}

describe('the layout', () => {
  it('finds the product code (the check below has something to check)', () => {
    expect(product.length).toBeGreaterThan(100);
    expect(importsOf('functions/messages.ts')).toContain('functions/registry');
  });

  it('deployed code never imports from tools/ or test/', () => {
    expect(offenders(product, (s) => /^(tools|test)(\/|$)/.test(s))).toEqual([]);
  });

  it('rules/ is pure: only zod, the date library and itself', () => {
    const allowed = (s: string) => s.startsWith('rules/') || ['zod', '@date-fns/tz', 'date-fns'].includes(s);
    expect(offenders(tsFiles('rules'), (s) => !allowed(s))).toEqual([]);
  });

  it('botbuilder stays behind bot/, and Table Storage behind storage/', () => {
    const outside = (folder: string) => product.filter((f) => !f.startsWith(`${folder}/`));
    expect(offenders(outside('bot'), (s) => s === 'botbuilder' || s.startsWith('botbuilder-'))).toEqual([]);
    expect(offenders(outside('storage'), (s) => s === '@azure/data-tables')).toEqual([]);
  });

  it('functions/index.ts loads every function file that registers itself with the host', () => {
    const registering = tsFiles('functions').filter((f) =>
      /^register(Http|Timer)\(/m.test(readFileSync(join(ROOT, f), 'utf8')),
    );
    expect(registering.length).toBeGreaterThanOrEqual(4);
    const loaded = importsOf('functions/index.ts');
    expect(registering.filter((f) => !loaded.includes(f.replace(/\.ts$/, '')))).toEqual([]);
  });
});
