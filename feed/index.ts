/** The feed: reading a folder of exports (CSV, Parquet, Excel) into the compact Book, with a report of skipped rows. */
export { describeFeedReport } from './describeFeedReport';
export { FeedError, type FeedErrorCode } from './feedError';
export { feedOptionsFrom } from './feedOptions';
export { type FeedProblem, type FeedReport, type FileReport, PROBLEM_DETAIL_LIMIT } from './feedReport';
export {
  CUSTOMERS_FILE,
  type FeedResult,
  ORDERS_FILE,
  type ReadFeedOptions,
  readFeed,
  TICKETS_FILE,
} from './readFeed';
