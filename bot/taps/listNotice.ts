import type { ListsNow, ListsNowRequest } from '../../jobs/weekly/weeklyPlan';
import type { Log } from '../ports';
import { LIST_COMING } from './replies';

/**
 * How long `list` (or a page) may take before the rep is told their list is coming (ms). Azure AI
 * Bot Service waits 10 to 15 seconds for a bot, depending on the channel
 * (https://learn.microsoft.com/azure/bot-service/bot-builder-howto-long-operations-guidance); 3 s
 * tells the rep well within the shortest wait, while a kept plan or a small book (well under a
 * second) answers with the card alone.
 */
export const LIST_NOTICE_AFTER_MS = 3_000;

/**
 * The largest book `list` plans without telling the rep first. Planning holds the thread, so no timer
 * fires during it: a plan that will be slow is told before it starts. It takes about 0.1 ms a
 * customer on a busy 2-core machine (`npm run bench list`: 9.8 s for 100,000 customers with the feed
 * already read), so 20,000 customers is about 2 s.
 */
export const LIST_PLANNED_UNTOLD = 20_000;

/**
 * The lists of `request`, with the rep told `LIST_COMING` through `say` when they take longer than
 * LIST_NOTICE_AFTER_MS or a large book is scored anew (not judged again from a kept scoring). The
 * notice is out before this returns (the card never comes before it); a notice that could not be
 * sent is logged and the card still comes.
 * A failure of the plan is the caller's to tell, as it is without a notice.
 */
export async function listsWithNotice(
  listsNow: (request: ListsNowRequest) => Promise<ListsNow>,
  request: ListsNowRequest,
  say: ((text: string) => Promise<void>) | undefined,
  log?: Log,
  /** Awaited before a plan starts, with the book's size (after the notice, when one is due). */
  beforePlanning?: (customers: number) => Promise<void>,
): Promise<ListsNow> {
  if (!say) return beforePlanning ? listsNow({ ...request, beforePlanning }) : listsNow(request);
  let told: Promise<void> | undefined;
  const tell = () => {
    told ??= say(LIST_COMING).catch((error: unknown) => {
      log?.warn('could not tell the rep their list is coming', {
        error: error instanceof Error ? error.message : String(error),
      });
    });
    return told;
  };
  const timer = setTimeout(tell, LIST_NOTICE_AFTER_MS);
  try {
    return await listsNow({
      ...request,
      beforePlanning: async (customers) => {
        if (customers > LIST_PLANNED_UNTOLD) await tell();
        await beforePlanning?.(customers);
      },
    });
  } finally {
    clearTimeout(timer);
    await told;
  }
}
