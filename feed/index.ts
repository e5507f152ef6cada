/** The feed: reading a folder of CSV exports into the compact Book, with a report of skipped rows. */
export { describeFeedReport } from './describeFeedReport';
export { FeedError, type FeedErrorCode } from './feedError';
export { type FeedProblem, type FeedReport, type FileReport, PROBLEM_DETAIL_LIMIT } from './feedReport';
export { CUSTOMERS_FILE } from './readCustomers';
export { type FeedResult, ORDERS_FILE, type ReadFeedOptions, readFeed, TICKETS_FILE } from './readFeed';
