import type { TableClient } from '@azure/data-tables';
import type { DigestCardData } from '../../cards/digestCardModels';
import { weeklyRunKeyOfDay } from '../../jobs/schedule/weeklyRunDue';
import { dayOf, isoOfDay } from '../../rules/calendar';
import { initialState } from '../../rules/customerState';
import type { CardStore } from '../../storage/cardStore';
import type { PolicyConfig } from '../../storage/tableClients';
import { weeklyData } from './weeklyCardData';

/** `list` pages a rep asks for a week in these histories (Monday to Wednesday, one a day). */
const LIST_PAGES_PER_WEEK = 3;

const states = Array.from({ length: 10 }, (_, i) =>
  initialState({
    customerId: `c${i}`,
    name: `Customer number ${i}`,
    owner: 'rep0@example.com',
    monthlyValue: 900,
  }),
);

function digestOf(day: string): DigestCardData {
  return {
    kind: 'digest',
    runKey: `daily-${day}`,
    rows: states.slice(0, 3).map((s) => ({
      customerId: s.customerId,
      name: s.name,
      monthlyValue: s.monthlyValue,
      reason: { kind: 'no_order' as const, contactOn: day, days: 8 },
    })),
    quietReason: 'went_quiet',
    lossReasons: weeklyData([]).lossReasons,
  };
}

/**
 * Saves `weeks` weeks of a rep's cards in `conversationId` from Monday `start`, as the bot saves them:
 * a weekly card of ten customers each Monday, a digest each working day, a `list` page Monday to
 * Wednesday. Returns how many were saved and the last day (a Friday), whose week's cards are the
 * last 9 saved.
 */
export async function saveWeeksOfCards(
  cards: Pick<CardStore, 'save'>,
  conversationId: string,
  weeks: number,
  start = '2026-01-05',
): Promise<{ saved: number; lastDay: string }> {
  const first = dayOf(start);
  let saved = 0;
  let lastDay = start;
  for (let d = 0; d < weeks * 7; d++) {
    if (d % 7 >= 5) continue;
    const day = isoOfDay(first + d);
    lastDay = day;
    const runKey = weeklyRunKeyOfDay(day);
    const data = [
      ...(d % 7 === 0 ? [{ ...weeklyData(states), runKey }] : []),
      digestOf(day),
      ...(d % 7 < LIST_PAGES_PER_WEEK ? [{ ...weeklyData(states), runKey, kind: 'list' as const }] : []),
    ];
    for (const card of data) {
      saved++;
      await cards.save({
        messageId: `1:${saved}`,
        repUserId: 'rep0',
        conversationId,
        data: card,
        savedAt: new Date(`${day}T13:00:00Z`).toISOString(),
      });
    }
  }
  return { saved, lastDay };
}

/**
 * The rows of a table the service walks for a query with this filter: the rows its keys bound (a
 * RowKey range within the partition, else the whole partition, as for a filter on another column).
 */
export async function rowsWalked(client: TableClient, filter: string): Promise<number> {
  const partition = /PartitionKey eq '([^']*)'/.exec(filter)?.[1] ?? '';
  const from = /RowKey ge '([^']*)'/.exec(filter)?.[1];
  const to = /RowKey lt '([^']*)'/.exec(filter)?.[1];
  const keys = [
    `PartitionKey eq '${partition}'`,
    ...(from ? [`RowKey ge '${from}'`] : []),
    ...(to ? [`RowKey lt '${to}'`] : []),
  ];
  let n = 0;
  for await (const _ of client.listEntities({
    queryOptions: { filter: keys.join(' and '), select: ['RowKey'] },
  }))
    n++;
  return n;
}

/** A pipeline policy that keeps the `$filter` of every query a client sends, in `filters`. */
export function queryRecorder(): { policy: PolicyConfig; filters: string[] } {
  const filters: string[] = [];
  const policy: PolicyConfig = {
    position: 'perCall',
    policy: {
      name: 'queryRecorder',
      sendRequest: async (request, next) => {
        const filter = new URL(request.url).searchParams.get('$filter');
        if (filter) filters.push(filter);
        return next(request);
      },
    },
  };
  return { policy, filters };
}
