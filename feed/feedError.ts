/** Why a feed cannot be read at all (the CLI maps this to exit code 2). */
export type FeedErrorCode = 'missing_file' | 'missing_column' | 'empty_file';

/** A feed that cannot be read: a required file or column is missing, or a file has no header. */
export class FeedError extends Error {
  override readonly name = 'FeedError';

  constructor(
    readonly code: FeedErrorCode,
    message: string,
    /** The file concerned, e.g. "orders.csv". */
    readonly file: string,
  ) {
    super(message);
  }
}
