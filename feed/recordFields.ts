import type { ColumnIndex } from './feedColumns';

/**
 * Turning one CSV record into the text fields a row schema reads, and the one check that comes
 * before any column: the record has as many fields as the header.
 */

/**
 * A function giving a record's trimmed fields by column name; a column the file lacks (index -1)
 * reads as empty. Built once per file so the per-row work is a plain loop.
 */
export function fieldsByColumn<C extends string>(
  index: ColumnIndex<C>,
): (fields: string[]) => Record<C, string> {
  const columns = Object.keys(index) as C[];
  const positions = columns.map((c) => index[c]);
  return (fields) => {
    const out = {} as Record<C, string>;
    for (let i = 0; i < columns.length; i++) {
      const at = positions[i];
      out[columns[i]] = at >= 0 ? fields[at].trim() : '';
    }
    return out;
  };
}

/** Why the record's field count does not fit the header, or undefined when it does. */
export function fieldCountProblem(fields: string[], headerLength: number): string | undefined {
  if (fields.length === headerLength) return undefined;
  // Trailing empty fields (a stray comma at the end of the line) lose nothing.
  if (fields.length > headerLength && fields.slice(headerLength).every((f) => f.trim() === ''))
    return undefined;
  const hint = fields.length > headerLength ? ' (an unquoted comma in a value?)' : '';
  return `has ${fields.length} fields, the header has ${headerLength}${hint}`;
}
