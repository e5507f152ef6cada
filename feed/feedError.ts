/** Why a feed cannot be read at all (the CLI maps this to exit code 2). */
export type FeedErrorCode =
  | 'missing_folder'
  | 'missing_file'
  | 'ambiguous_file'
  | 'missing_column'
  | 'duplicate_column'
  | 'mapping_conflict'
  | 'empty_file'
  | 'no_usable_rows'
  | 'ambiguous_dates'
  | 'undeclared_dates'
  | 'excel_serial_dates'
  | 'ambiguous_amounts'
  | 'undeclared_decimal_comma'
  | 'currency_mismatch'
  | 'unreadable_file'
  | 'stale_feed';

/**
 * A feed that cannot be read: a required file or column is missing, a file is empty, has only a
 * header, has no row that can be used or cannot be read, a column name is used twice, a mapping
 * names both an amount and a quantity and unit price, a date or amount column reads two ways (or
 * holds dates written as eight digits, undeclared, Excel's date serials in a text file, or amounts
 * with a decimal comma in a comma-separated file, undeclared), no line is in the book's currency, or
 * (for the scheduled runs) it has had no order for longer than the book has ever been quiet. Nothing
 * is scored from it.
 */
export class FeedError extends Error {
  override readonly name = 'FeedError';

  constructor(
    readonly code: FeedErrorCode,
    message: string,
    /** The file concerned, e.g. "orders.csv" (the feed folder's path when it is the folder). */
    readonly file: string,
  ) {
    super(message);
  }
}
