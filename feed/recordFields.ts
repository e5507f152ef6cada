import type { ColumnIndex } from './feedColumns';

/**
 * Turning one CSV record into the text fields a row schema reads, and the one check that comes
 * before any column: the record has as many fields as the header.
 */

/** The record's trimmed fields by column name; a column the file lacks (index -1) reads as empty. */
export function fieldsByColumn<C extends string>(fields: string[], index: ColumnIndex<C>): Record<C, string> {
  const out = {} as Record<C, string>;
  for (const column in index) {
    const at = index[column];
    out[column] = at >= 0 ? fields[at].trim() : '';
  }
  return out;
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
