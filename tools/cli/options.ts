import { parseArgs } from 'node:util';
import { UsageError } from './usageError';

/** What node's parseArgs gives with `tokens: true`: each option and value as the user wrote it. */
type ArgTokens = NonNullable<ReturnType<typeof parseArgs>['tokens']>;

/**
 * The values of a command's options, each taking one value (`--feed DIR`), by name. Throws
 * UsageError on an unknown option, a missing value, or an option given twice (givenOnce).
 */
export function parseOptions<Name extends string>(
  args: string[],
  names: readonly Name[],
): Partial<Record<Name, string>> {
  let tokens: ArgTokens | undefined;
  try {
    ({ tokens } = parseArgs({
      args,
      strict: true,
      tokens: true,
      options: Object.fromEntries(names.map((name) => [name, { type: 'string' as const }])),
    }));
  } catch (err) {
    // parseArgs reports unknown options and missing values with a TypeError.
    if (err instanceof TypeError) throw new UsageError(err.message);
    throw err;
  }
  return givenOnce<Name>(tokens ?? []);
}

/**
 * The options that take a value, by name, from parseArgs's tokens. Throws UsageError on one given
 * twice: node's parseArgs keeps the last, which would score a date other than one the user typed
 * without a word.
 */
export function givenOnce<Name extends string>(tokens: ArgTokens): Partial<Record<Name, string>> {
  const values: Partial<Record<Name, string>> = {};
  for (const token of tokens) {
    if (token.kind !== 'option' || token.value === undefined) continue;
    const name = token.name as Name;
    const earlier = values[name];
    if (earlier !== undefined)
      throw new UsageError(
        `--${name} is given twice (${JSON.stringify(earlier)} and ${JSON.stringify(token.value)}): give it once`,
      );
    values[name] = token.value;
  }
  return values;
}
