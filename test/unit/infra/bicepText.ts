import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Just enough Bicep reading for the infra tests (no Bicep compiler can run here): comments stripped, resource and
 * module declarations, a declaration's `{...}` body, and `{ name: 'X', value: ... }` app setting names.
 */

export const INFRA_DIR = path.resolve(__dirname, '..', '..', '..', 'infra');

/** A Bicep file: its path relative to infra/ and its text without comments. */
export interface BicepFile {
  file: string;
  text: string;
}

/** A `resource sym 'Type@version' [existing] =` declaration. */
export interface ResourceDecl {
  file: string;
  symbol: string;
  type: string;
  apiVersion: string | undefined;
  existing: boolean;
}

/** Removes `//` and `/* *\/` comments, leaving strings (single-quoted, with \' escapes, or ''' multi-line) intact. */
export function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    if (src.startsWith("'''", i)) {
      const end = src.indexOf("'''", i + 3);
      const stop = end < 0 ? src.length : end + 3;
      out += src.slice(i, stop);
      i = stop;
    } else if (src[i] === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== "'") j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else if (src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else {
      out += src[i];
      i++;
    }
  }
  return out;
}

/** Every .bicep file under infra/, comments stripped. */
export function readBicepFiles(dir: string = INFRA_DIR): BicepFile[] {
  const files: BicepFile[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.bicep')) {
        files.push({ file: path.relative(dir, full), text: stripComments(readFileSync(full, 'utf8')) });
      }
    }
  };
  walk(dir);
  return files.sort((a, b) => a.file.localeCompare(b.file));
}

/** The resource declarations of one file. */
export function resourceDeclarations(f: BicepFile): ResourceDecl[] {
  const re = /^\s*resource\s+(\w+)\s+'([^']+)'\s*(existing\s*)?=/gm;
  return [...f.text.matchAll(re)].map((m) => {
    const [type, apiVersion] = m[2].split('@');
    return { file: f.file, symbol: m[1], type, apiVersion, existing: Boolean(m[3]) };
  });
}

/** The `module sym 'path'` declarations of one file, with the module path. */
export function moduleDeclarations(f: BicepFile): { symbol: string; path: string }[] {
  return [...f.text.matchAll(/^\s*module\s+(\w+)\s+'([^']+)'/gm)].map((m) => ({ symbol: m[1], path: m[2] }));
}

/** The text between the braces that follow `startIndex` (brace-matched, strings skipped). */
export function braceBody(text: string, startIndex: number): string {
  const open = text.indexOf('{', startIndex);
  if (open < 0) throw new Error('no { after declaration');
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      i++;
      while (i < text.length && text[i] !== "'") i += text[i] === '\\' ? 2 : 1;
    } else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return text.slice(open + 1, i);
    }
  }
  throw new Error('unbalanced braces');
}

/** The body of `resource <symbol> ...` or `var <symbol> = ...` in a file. */
export function declarationBody(f: BicepFile, kind: 'resource' | 'var' | 'module', symbol: string): string {
  const m = new RegExp(`^\\s*${kind}\\s+${symbol}\\b`, 'm').exec(f.text);
  if (!m) throw new Error(`${kind} ${symbol} not found in ${f.file}`);
  return braceBody(f.text, m.index);
}

/** The names of `{ name: 'X', value: ... }` entries (the shape of siteConfig.appSettings items). */
export function appSettingNames(text: string): string[] {
  return [...text.matchAll(/\{\s*name:\s*'([^']+)'\s*,?\s*value:/g)].map((m) => m[1]);
}

/** `key: 'value'` pairs of a flat object body, e.g. the roles map. */
export function stringProperties(body: string): Record<string, string> {
  return Object.fromEntries([...body.matchAll(/^\s*(\w+):\s*'([^']*)'/gm)].map((m) => [m[1], m[2]]));
}

/** The raw value text of a top-level `key: value` line inside a body (first match). */
export function propertyValue(body: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key}:\\s*(.+?)\\s*$`, 'm').exec(body)?.[1];
}

/** Finds the file that declares a resource of the given type (not `existing`). */
export function fileDeclaring(files: BicepFile[], type: string): BicepFile {
  const f = files.find((x) => resourceDeclarations(x).some((d) => d.type === type && !d.existing));
  if (!f) throw new Error(`no file declares ${type}`);
  return f;
}

/** A `param` of a Bicep file: its name, type, default text and the decorators above it. */
export interface ParamDecl {
  name: string;
  type: string;
  defaultText: string | undefined;
  decorators: Record<string, string>;
}

/** The `param` declarations of a .bicep file, with `@name(args)` decorators (description included). */
export function paramDeclarations(f: BicepFile): ParamDecl[] {
  const lines = f.text.split('\n');
  const out: ParamDecl[] = [];
  let decorators: Record<string, string> = {};
  for (const line of lines) {
    const dec = /^@(\w+)\((.*)\)\s*$/.exec(line.trim());
    if (dec) {
      decorators[dec[1]] = dec[2];
      continue;
    }
    const p = /^param\s+(\w+)\s+([\w[\]]+)(?:\s*=\s*(.+))?$/.exec(line.trim());
    if (p) out.push({ name: p[1], type: p[2], defaultText: p[3], decorators });
    if (line.trim() !== '') decorators = {};
  }
  return out;
}

/** The `param name = value` assignments of a .bicepparam file (one line each). */
export function bicepparamAssignments(text: string): Map<string, string> {
  return new Map(
    [...stripComments(text).matchAll(/^param\s+(\w+)\s*=\s*(.+)$/gm)].map((m) => [m[1], m[2].trim()]),
  );
}

/** A copy of a Bicep file with one edit, for showing that a check reports a broken template. */
export function edited(f: BicepFile, from: string | RegExp, to: string): BicepFile {
  const text = f.text.replace(from, to);
  if (text === f.text) throw new Error(`${f.file}: nothing to replace for ${String(from)}`);
  return { ...f, text };
}
