import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// A reader follows the paths the README and the guides name: after files move, a stale path sends
// them to nothing. Checked: a code span that starts with one of the repo's source folders
// (`functions/wiring.ts`; not env/, which also holds files the toolkit writes on a machine), and a
// relative Markdown link (`[tabs](tabs.md)`).

const ROOT = resolve(__dirname, '../../..');
const TOP_LEVEL = [
  'appPackage/',
  'bot/',
  'cards/',
  'demo/',
  'docs/',
  'feed/',
  'functions/',
  'infra/',
  'jobs/',
  'rules/',
  'storage/',
  'tabs/',
  'test/',
  'tools/',
  '.github/',
];
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The paths a Markdown file names that do not exist, each with how it was written. */
function missingPaths(doc: string): string[] {
  const text = readFileSync(join(ROOT, doc), 'utf8');
  const spans = [...text.matchAll(/`([\w.\-/]+)`/g)]
    .map((m) => m[1])
    .filter((p) => TOP_LEVEL.some((top) => p.startsWith(top)))
    .map((p) => ({ written: p, path: join(ROOT, p) }));
  const links = [...text.matchAll(/\]\(([\w.\-/]+)(?:#[\w-]*)?\)/g)]
    .map((m) => m[1])
    .map((p) => ({ written: p, path: resolve(ROOT, dirname(doc), p) }));
  return [...spans, ...links].filter((p) => !existsSync(p.path)).map((p) => p.written);
}

describe('the paths the README and docs/ name', () => {
  it.each(DOCS)('all exist, in %s', (doc) => {
    expect(missingPaths(doc)).toEqual([]);
  });
});
