import { randomBytes } from 'node:crypto';
import { TableClient } from '@azure/data-tables';
import { refreshFrom } from '../../bot/taps/cardRefresh';
import { cardTableName, openCardStore } from '../../storage/cardStore';
import { RequestCounter } from '../../storage/requestCounter';
import { startAzurite } from '../../test/helpers/azurite';
import { queryRecorder, rowsWalked, saveWeeksOfCards } from '../../test/helpers/cardHistory';

/**
 * What a tap's refresh of the other cards reads (cardStore.cardsFrom: this week's cards in a chat) as
 * a rep's chat fills up, on Azurite: a weekly card each Monday, a digest each working day and three
 * `list` pages a week, saved through the card store as the bot saves them. Printed: the rows the
 * service walks for the queries (the rows their keys bound: the whole partition for a filter on a
 * column), the requests, the median time and the cards found.
 *
 * `npx tsx tools/bench/cardRefreshBench.ts [weeks...]` (default 1 13 52 104).
 */

const TIME_ZONE = 'America/New_York';
const chat = 'a:rep0';
/** Reads timed per size; the median is printed. */
const REPEATS = 21;

async function figures(connectionString: string, weeks: number) {
  const tablePrefix = `refresh${randomBytes(4).toString('hex')}`;
  const counter = new RequestCounter();
  const { policy: recorder, filters } = queryRecorder();
  const cards = await openCardStore(
    { connectionString, tablePrefix },
    { policies: [counter.policy, recorder] },
  );
  const { saved, lastDay } = await saveWeeksOfCards(cards, chat, weeks);
  const client = TableClient.fromConnectionString(connectionString, cardTableName(tablePrefix), {
    allowInsecureConnection: true,
  });
  const now = new Date(`${lastDay}T15:00:00Z`);
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < REPEATS; i++) {
    counter.reset();
    filters.length = 0;
    const started = performance.now();
    found = (await cards.cardsFrom(chat, refreshFrom(now, TIME_ZONE))).length;
    times.push(performance.now() - started);
  }
  const { requests } = counter.snapshot();
  // A point read walks its one row; a query, the rows its keys bound.
  let walked = requests - filters.length;
  for (const filter of filters) walked += await rowsWalked(client, filter);
  const ms = times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
  return { weeks, saved, walked, requests, ms, found };
}

async function main(): Promise<void> {
  const weeks = process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0);
  const azurite = await startAzurite();
  try {
    for (const w of weeks.length > 0 ? weeks : [1, 13, 52, 104]) {
      const f = await figures(azurite.connectionString, w);
      console.log(
        `${w} week(s), ${f.saved} cards in the chat: this week's cards (cardsFrom) walk ${f.walked} rows, ${f.requests} request(s), ${f.ms.toFixed(1)} ms (median of ${REPEATS}), found ${f.found}`,
      );
    }
  } finally {
    await azurite.stop();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
