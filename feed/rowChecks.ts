import { quotedSql } from './valueFormats';

/**
 * The checks of one row, column by column, as SQL: each column's first problem (in the order
 * given), the row's kind (its first problem, counted in the report) and its reason (every
 * column's problem, joined), worded as the report words them: `ordered_at: not a date: "31/12/2025"`.
 */
export interface ProblemCheck {
  /** SQL condition over the row that makes it a problem. */
  when: string;
  /** A few words: "not a date". */
  problem: string;
  /**
   * SQL of the reason's words where they depend on the row (`'2 email addresses in the tags'`);
   * the kind the report counts it under stays `problem`.
   */
  words?: string;
  /** Show the value after the problem (not for "missing"). */
  quote?: boolean;
}

export interface ColumnChecks {
  column: string;
  /** SQL of the column's text. */
  text: string;
  checks: ProblemCheck[];
}

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** SQL of the row's first problem as `column: problem`, NULL when the row passes. */
export function kindSql(columns: ColumnChecks[]): string {
  const arms = columns.flatMap((c) =>
    c.checks.map((k) => `WHEN ${k.when} THEN ${literal(`${c.column}: ${k.problem}`)}`),
  );
  return arms.length === 0 ? 'NULL' : `(CASE ${arms.join(' ')} END)`;
}

/** SQL of every column's problem in words, joined with "; ", NULL when the row passes. */
export function reasonSql(columns: ColumnChecks[]): string {
  const perColumn = columns
    .filter((c) => c.checks.length > 0)
    .map((c) => {
      const arms = c.checks.map((k) => {
        const words =
          k.words === undefined
            ? literal(`${c.column}: ${k.problem}`)
            : `${literal(`${c.column}: `)} || ${k.words}`;
        return `WHEN ${k.when} THEN ${k.quote === false ? words : `${words} || ': ' || ${quotedSql(c.text)}`}`;
      });
      return `(CASE ${arms.join(' ')} END)`;
    });
  return perColumn.length === 0 ? 'NULL' : `NULLIF(concat_ws('; ', ${perColumn.join(', ')}), '')`;
}

/**
 * SQL: `text` has more than `max` characters. A string's byte count is known without reading it and
 * is never below its character count, so characters are counted (a pass over the text) only for
 * the rare value with more bytes than `max`: at 2M orders, the two id checks took a tenth of the checks' time.
 */
export const longerThan = (text: string, max: number) =>
  `(strlen(${text}) > ${max} AND length(${text}) > ${max})`;

/** The usual checks of a required text column: missing, or longer than `max` characters. */
export function requiredText(column: string, text: string, max: number): ColumnChecks {
  return {
    column,
    text,
    checks: [
      { when: `${text} = ''`, problem: 'missing', quote: false },
      { when: longerThan(text, max), problem: `longer than ${max} characters` },
    ],
  };
}

/**
 * The check of an order's `currency` where a file's amounts are in more than one (Xero writes each
 * invoice's Total in the invoice's own currency, beside a `Currency` column): a line in any other
 * currency than `book` (CURRENCY where `configured`, else the one most of its lines are in) would
 * add euros to pounds. Its amount cannot be converted here (the export holds no rate), so it is a
 * bad row; an empty cell (an order's later lines) is not.
 */
export function currencyChecks(book: string, configured: boolean): ColumnChecks {
  return {
    column: 'currency',
    text: 'currency',
    checks: [
      {
        when: `currency <> '' AND upper(currency) <> ${literal(book)}`,
        problem: configured
          ? `not ${book}, the book's currency (CURRENCY)`
          : `not ${book}, the currency of the file's other amounts`,
      },
    ],
  };
}
