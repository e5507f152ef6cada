// The feed read alone (checks, order lines, the book in typed arrays), as a whole node process from
// the compiled JS: bench/feedBench.ts prints it beside the `score` process, so the read's share and
// the scoring's (the book's own model is fitted there) show apart. Usage: node readFeedProcess.cjs FEED_DIR AS_OF
const { readFeed } = require('../../dist/feed/readFeed.js');

const [dir, asOf] = process.argv.slice(2);
readFeed(dir, { asOf }).then(
  ({ book }) => process.stdout.write(`${book.customers.length} customers, ${book.orderDay.length} orders\n`),
  (error) => {
    console.error(error);
    process.exitCode = 1;
  },
);
