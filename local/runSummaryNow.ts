import { z } from 'zod';
import { ADMIN_FUNCTIONS, FLAG_HELP, parseLocalSettings, SettingsError } from './settings';
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

/** Nothing answers at the local host's port: the stack is not running there. */
export class StackNotRunningError extends Error {
  override readonly name = 'StackNotRunningError';
}

/**
 * Triggers a timer function of the local host through its admin route (POST
 * /admin/functions/<name>, as on the real Functions host) and returns the JSON report it answers.
 */
export async function triggerLocalFunction(
  name: string,
  options: { port: number; query?: Record<string, string> },
): Promise<unknown> {
  const query = new URLSearchParams(options.query ?? {}).toString();
  const url = `http://127.0.0.1:${options.port}/admin/functions/${name}${query ? `?${query}` : ''}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
  } catch (error) {
    // fetch reports a refused connection as a TypeError whose cause carries the code.
    const code = (error as { cause?: { code?: unknown } }).cause?.code;
    if (error instanceof TypeError && code === 'ECONNREFUSED') {
      throw new StackNotRunningError(
        `Nothing answers on 127.0.0.1:${options.port}. Start the local stack first with \`npm start\` (in another terminal), or pass --bot-port if it runs on another port.`,
      );
    }
    throw error;
  }
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url} -> ${response.status}: ${text}`);
  return JSON.parse(text);
}

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
  const { settings, month, help } = parseLocalSettings(argv);
  if (help) {
    console.log(
      `npm run summary [-- --month YYYY-MM]: post a month's summary to the team channel now.\n\n${FLAG_HELP}`,
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

if (require.main === module) {
  runSummaryNow().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const known = error instanceof SettingsError || error instanceof StackNotRunningError;
      console.error(known ? error.message : error);
      process.exitCode = known ? 2 : 1;
    },
  );
}
