import { readFile } from 'node:fs/promises';
import { defaultRules, parseRules, type Rules, RulesError } from '../rules';
import { MAX_KEPT_RULES_CHARS } from '../storage/textPieces';
import { decodeText } from './textEncoding';

/**
 * Validates the text of a rules file (JSON); `source` names it in the error (a path or a blob). A
 * file longer than the run ledger keeps is refused: it is almost surely another file saved under the
 * rules file's name, and, taken, it would be in force on this instance but gone on one started later.
 */
export function parseRulesText(text: string, source: string): Rules {
  if (text.length > MAX_KEPT_RULES_CHARS)
    throw new RulesError([
      `${source} is ${text.length.toLocaleString('en-US')} characters: a rules file is a few pages of JSON, and one over ${MAX_KEPT_RULES_CHARS.toLocaleString('en-US')} characters is not read. Was another file saved under its name?`,
    ]);
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

/**
 * JSON.parse's message with the line and column an editor shows. Node gives "at position 51" for
 * some mistakes only; for others ("Unexpected token ']'") it quotes the text instead (the whole file
 * when it is short), so the place is found here, and the quote left out. A comma before a closing
 * bracket, the commonest slip in a hand-edited file, is named as such.
 */
function withLine(message: string, text: string): string {
  const at = /at position (\d+)/.exec(message);
  const offset = at ? Number(at[1]) : jsonErrorOffset(text);
  // The line and column say where; the offset and the quoted text say it again less readably.
  const said = message
    .replace(/, (?:\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
    .replace(/ in JSON at position \d+/, '');
  if (offset === null) return said;
  let line = `${said} (${lineAndColumn(text, offset)})`;
  const before = text.slice(0, offset).trimEnd();
  if (before.endsWith(',') && (text[offset] === '}' || text[offset] === ']'))
    line += `: a comma before a closing ${text[offset]} is not allowed in JSON; remove the one at ${lineAndColumn(text, before.length - 1)}`;
  return line;
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}`;
}

/** The offset where `text` stops being JSON (a parser's first refusal); null when it is JSON. */
function jsonErrorOffset(text: string): number | null {
  let i = 0;
  const fail = (): never => {
    throw new JsonStop(i);
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const expect = (char: string) => {
    if (text[i] !== char) fail();
    i++;
  };
  const string = () => {
    expect('"');
    for (;;) {
      const c = text[i];
      if (c === undefined || c < ' ') fail();
      i++;
      if (c === '"') return;
      if (c !== '\\') continue;
      if (text[i] === 'u') {
        if (!/^u[0-9a-fA-F]{4}/.test(text.slice(i, i + 5))) fail();
        i += 5;
      } else if ('"\\/bfnrt'.includes(text[i] ?? 'x')) i++;
      else fail();
    }
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          space();
          string();
          space();
          expect(':');
        }
        value();
        space();
        if (text[i] === close) {
          i++;
          return;
        }
        expect(',');
      }
    }
    if (c === '"') {
      string();
      return;
    }
    const word = ['true', 'false', 'null'].find((w) => w[0] === c);
    if (word) {
      for (const letter of word) expect(letter);
      return;
    }
    const number = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
    if (!number) fail();
    else i += number[0].length;
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return null;
  } catch (error) {
    if (error instanceof JsonStop) return error.offset;
    throw error;
  }
}

class JsonStop {
  constructor(readonly offset: number) {}
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
