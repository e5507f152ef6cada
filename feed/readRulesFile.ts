import { readFile } from 'node:fs/promises';
import { defaultRules, parseRules, type Rules, RulesError } from '../rules';
import { decodeText } from './textEncoding';

/** Validates the text of a rules file (JSON); `source` names it in the error (a path or a blob). */
export function parseRulesText(text: string, source: string): Rules {
  // Notepad and Excel's "UTF-8" save a byte-order mark, which JSON.parse refuses as an unexpected token.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new RulesError([`${source} is not valid JSON: ${withLine((err as Error).message, body)}`]);
  }
  return parseRules(json, source);
}

/** JSON.parse's "at position 51" with the line and column an editor shows. */
function withLine(message: string, text: string): string {
  const m = /at position (\d+)/.exec(message);
  if (!m) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}

/** A rules file's text as read, and which file it is (a path, or container/blob). */
export interface RulesText {
  source: string;
  text: string;
}

/** Reads and validates a rules file (JSON); the defaults when no path is given. */
export async function readRulesFile(path: string | undefined): Promise<Rules> {
  if (!path) return defaultRules();
  const { text, source } = await readRulesFileText(path);
  return parseRulesText(text, source);
}

/** Reads a rules file's text, unchecked; a file that is missing, or a folder, is a RulesError naming it. */
export async function readRulesFileText(path: string): Promise<RulesText> {
  try {
    return { source: path, text: decodeText(await readFile(path)) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RulesError([`rules file not found: ${path}`]);
    if (code === 'EISDIR') throw new RulesError([`rules file is a folder, not a file: ${path}`]);
    throw err;
  }
}
