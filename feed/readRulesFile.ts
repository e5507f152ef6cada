import { readFile } from 'node:fs/promises';
import { defaultRules, parseRules, type Rules, RulesError } from '../rules';

/** Validates the text of a rules file (JSON); `source` names it in the error (a path or a blob). */
export function parseRulesText(text: string, source: string): Rules {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new RulesError([`${source} is not valid JSON: ${(err as Error).message}`]);
  }
  return parseRules(json);
}

/** Reads and validates a rules file (JSON); the defaults when no path is given. */
export async function readRulesFile(path: string | undefined): Promise<Rules> {
  if (!path) return defaultRules();
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new RulesError([`rules file not found: ${path}`]);
    if (code === 'EISDIR') throw new RulesError([`rules file is a folder, not a file: ${path}`]);
    throw err;
  }
  return parseRulesText(text, path);
}
