import { headersOf, type MappedHeaders } from '../rules/columnMapping';
import { FeedError } from './feedError';

/**
 * Finds the feed's columns in a file's header, applying the column mapping (feed column -> the
 * export's header). Headers match case-insensitively and ignoring surrounding spaces, as exports
 * vary in both.
 */
export interface ColumnSpec<C extends string> {
  file: string;
  /** Key of this file in the column mapping ("orders"), for the hint in error messages. */
  mappingKey: string;
  required: readonly C[];
  optional?: readonly C[];
}

/**
 * A header without its punctuation and spaces, to point at a near miss: one export writes
 * `InvoiceNumber`, another `Invoice Number` or `invoice_number`.
 */
const looseHeader = (header: string) => normaliseHeader(header).replace(/[^\p{L}\p{N}]/gu, '');

/**
 * Column name -> the indices in the record it is read from: one, or several where the mapping lists
 * headers of which the first filled is read; none for an optional column the file does not have.
 */
export type ColumnIndex<C extends string> = Record<C, number[]>;

/** A file's column mapping: feed column -> its header, or headers of which the first filled is read. */
export type FileMapping<C extends string> = Partial<Record<C, MappedHeaders | undefined>>;

/**
 * A column's header(s) as a message names them: `"Total"`, or for a list, what is read on a row:
 * `"Adjusted Order Total" where filled, else "Order Total"`.
 */
export function headerWords(mapped: string | readonly string[]): string {
  return headersOf(mapped)
    .map((h) => `"${h}"`)
    .join(' where filled, else ');
}

/**
 * A header as it is matched: without a byte-order mark or the spaces around it, each run of spaces
 * and line breaks inside it as one space (a header wrapped onto two lines in its Excel cell is
 * mapped as it reads, "Invoice Date"), in lower case, and without the `*` Xero's import template
 * puts before a required column: Xero's invoice files write one header with it (`*InvoiceNumber`)
 * or without (`InvoiceNumber`), and a mapping of either reads both.
 */
export const normaliseHeader = (header: string) =>
  header
    .replace(/^\ufeff/, '')
    .trim()
    .replace(/^\*(?=\S)/, '')
    .replace(/\s+/g, ' ')
    .toLowerCase();

/**
 * Where no line of a file's first ones has the feed's columns, the one taken for its header: the
 * first with the most names. A report's title lines hold a cell or two; its header, even one that
 * lacks a column (QuickBooks' Sales by Customer Detail without its Customer column), holds most of
 * them, and the run stops naming what it lacks against the headers the user sees. Taking the first
 * line named the report's company name as the only header found.
 */
export function likeliestHeader(lines: readonly (readonly string[])[]): number {
  let best = 0;
  let most = -1;
  lines.forEach((names, i) => {
    const n = names.filter((name) => name.trim() !== '').length;
    if (n > most) {
      most = n;
      best = i;
    }
  });
  return best;
}

/**
 * Indices of the spec's columns in `headers`, or FeedError: `missing_column` naming what is missing
 * (a required column, or an optional one the mapping names), with a mapping example to copy into
 * the rules file; `duplicate_column` when a column the feed
 * uses is named twice in the header (which one holds the data cannot be told).
 */
export function resolveColumns<C extends string>(
  spec: ColumnSpec<C>,
  headers: string[],
  mapping: FileMapping<C> = {},
): ColumnIndex<C> {
  const positions = new Map<string, number[]>();
  headers.forEach((header, i) => {
    const key = normaliseHeader(header);
    positions.set(key, [...(positions.get(key) ?? []), i]);
  });
  const index = {} as ColumnIndex<C>;
  const missing: C[] = [];
  const named: string[] = [];
  /** Each missing column's headers the file lacks, for the near misses. */
  const lacking: string[] = [];
  for (const column of [...spec.required, ...(spec.optional ?? [])]) {
    const mapped = mapping[column];
    const wanted = headersOf(mapped ?? column);
    const found: number[] = [];
    const absent: string[] = [];
    for (const header of wanted) {
      const at = positions.get(normaliseHeader(header));
      if (at !== undefined && at.length > 1) {
        const where = at.map((i) => i + 1).join(' and ');
        throw new FeedError(
          'duplicate_column',
          `${spec.file} has ${at.length} columns named "${headers[at[0]].trim()}" (columns ${where}), which the feed reads as ${column}: rename or remove all but one.`,
          spec.file,
        );
      }
      if (at === undefined) absent.push(header);
      else found.push(at[0]);
    }
    if (absent.length === 0) index[column] = found;
    // An optional column may be absent, but not one the mapping names: a typo in the mapping would
    // otherwise drop the column without a word (every monthly value derived instead of read). So
    // may no header of a list: a typo there would drop, say, every refund.
    else if (spec.required.includes(column) || mapped !== undefined) {
      missing.push(column);
      lacking.push(...absent);
      named.push(
        mapped === undefined
          ? `"${column}"`
          : wanted.length === 1
            ? `"${column}" (mapped to "${wanted[0]}")`
            : `"${column}" (mapped to ${headerWords(wanted)}: no ${absent.map((h) => `"${h}"`).join(' nor ')})`,
      );
    } else index[column] = [];
  }
  if (missing.length > 0) {
    const found = headers.map((h) => `"${h}"`).join(', ');
    const nearMisses = lacking.flatMap((wanted) => {
      const near = headers.find((h) => looseHeader(h) === looseHeader(wanted));
      return near === undefined ? [] : [`"${wanted}" is written "${near.trim()}" in this file`];
    });
    const optional = missing.filter((c) => !spec.required.includes(c));
    const hints = missing.flatMap((c) => MISSING_HINTS[`${spec.mappingKey}.${c}`] ?? []);
    throw new FeedError(
      'missing_column',
      `${spec.file} has no column ${named.join(', ')}. Headers found: ${found}. ` +
        (nearMisses.length > 0 ? `${nearMisses.join('; ')}: map the header as written. ` : '') +
        `If your export names it differently, map it in the rules file's column mapping, e.g. ` +
        `{ "columns": { "${spec.mappingKey}": { "${missing[0]}": "<header in your file>" } } }` +
        (optional.length > 0
          ? `, or remove the mapping of ${optional.join(', ')} (optional: the file may leave it out).`
          : '.') +
        hints.map((h) => ` ${h}`).join(''),
      spec.file,
    );
  }
  return index;
}

/**
 * What to do about a required column few exports have at all, beside mapping it: a web shop's or a
 * payments export's customers know no rep, and mapping cannot give them one.
 */
const MISSING_HINTS: Record<string, string> = {
  'tickets.customer_id':
    'Where the desk gives only the customer\'s company, map its column as customer_name, e.g. { "columns": { "tickets": { "customer_name": "Organization" } } }: each ticket is then found by the customer\'s name (docs/feed.md, From a help desk).',
  'customers.owner':
    'Few exports have one: add a column holding each customer\'s rep (their Teams sign-in) and map it, or, where one rep looks after every customer, give their sign-in in the rules file: { "defaultOwner": "<their Teams sign-in>" } (docs/feed.md, Adding an owner column).',
};

/**
 * Notes for the report on optional columns the file lacks where a header names one but for its
 * punctuation, spaces or case (`Monthly Value` for monthly_value): such a column is not read, and
 * without a word every monthly value would be derived instead of read from it.
 */
export function unreadNearHeaders<C extends string>(
  spec: ColumnSpec<C>,
  headers: string[],
  index: ColumnIndex<C>,
): string[] {
  return (spec.optional ?? []).flatMap((column) => {
    const near =
      index[column].length === 0 ? headers.find((h) => looseHeader(h) === looseHeader(column)) : undefined;
    if (near === undefined) return [];
    const header = near.trim();
    return [
      `${column}: the column "${header}" is not read (the feed's name is "${column}"): to read it, map it: { "columns": { "${spec.mappingKey}": { "${column}": "${header}" } } }`,
    ];
  });
}
