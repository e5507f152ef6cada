import { z } from 'zod';
import { runAsCommand, triggerLocalFunction } from './adminCommand';
import { ADMIN_FUNCTIONS, flagHelp, parseLocalSettings } from './settings';
import type { SummaryPost } from './stack';

/**
 * `npm run summary`: asks the running local stack (`npm start`) to post a month's summary card to
 * the team channel now. Locally it summarises the current month of the stack's clock (the demo's
 * November, with the taps of this session), or `--month YYYY-MM`: waiting for the 1st would show
 * nothing of what was just tapped. The deployed timer posts the previous month on the 1st.
 */

const summaryPostSchema: z.ZodType<SummaryPost> = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('delivered'),
    month: z.string(),
    headline: z.string(),
    activityId: z.string(),
  }),
  z.object({ status: z.literal('unreachable'), month: z.string(), code: z.string() }),
  z.object({ status: z.literal('failed'), month: z.string(), error: z.string() }),
  z.object({ status: z.literal('no_channel'), month: z.string(), message: z.string() }),
]);

/** Words for the terminal about what the post did. */
export function describeSummaryPost(post: SummaryPost): string {
  switch (post.status) {
    case 'delivered':
      return `Posted the ${post.month} summary to the team channel (open the team in the Playground):\n  ${post.headline}`;
    case 'no_channel':
      return `No summary channel for ${post.month}: ${post.message}.`;
    case 'unreachable':
      return `The team channel refused the ${post.month} summary (${post.code}): add the app to the team again.`;
    case 'failed':
      return `Posting the ${post.month} summary failed: ${post.error}`;
  }
}

/** Runs `npm run summary`; returns the process exit code. */
export async function runSummaryNow(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const { settings, month, help } = parseLocalSettings(argv, process.env, 'summary');
  if (help) {
    console.log(
      `npm run summary [-- --month YYYY-MM]: post a month's summary to the team channel now.\n\n${flagHelp('summary')}`,
    );
    return 0;
  }
  const post = summaryPostSchema.parse(
    await triggerLocalFunction(ADMIN_FUNCTIONS.summary, {
      port: settings.ports.bot,
      query: month ? { month } : {},
    }),
  );
  console.log(describeSummaryPost(post));
  return post.status === 'delivered' ? 0 : 1;
}

if (require.main === module) runAsCommand(runSummaryNow);
