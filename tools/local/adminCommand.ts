import { z } from 'zod';
import type { DateWording } from '../../bot/taps/actionWords';
import { localDate } from '../../rules/calendar';
import { adminKeyHeaders } from './adminKey';
import { ADMIN_FUNCTIONS, flagHelp, parseLocalSettings, SettingsError } from './settings';

/**
 * What `npm run weekly` and `npm run summary` share: they ask the running local stack (\`npm start\`)
 * to run a timer function now through its admin route, and exit with a code a script can check.
 */

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
      headers: { 'content-type': 'application/json', ...(await adminKeyHeaders(options.port)) },
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

/**
 * Runs a command's main as the process: its code (0 done, 1 the job reported a failure), or 2 with
 * just the message for a mistake the user can fix (a bad flag, the stack not running).
 */
export function runAsCommand(main: () => Promise<number>): void {
  main().then(
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

const jobReportSchema = z.looseObject({
  status: z.string(),
  runKey: z.string().optional(),
  localDate: z.string().optional(),
  counts: z.record(z.string(), z.number()).optional(),
});

/**
 * A timer job's command (`npm run weekly`, `npm run followups`): triggers the function on the
 * running stack, prints its report without the per-rep list, then the run's account in words
 * (`account`, for a completed run: the log line the run writes in Azure), and exits 1 when a rep's
 * card failed.
 */
export async function runJobCommand(
  command: 'weekly' | 'followups',
  usage: string,
  argv: readonly string[],
  account?: (report: Record<string, unknown>, wording: DateWording) => string,
): Promise<number> {
  const { settings, help } = parseLocalSettings(argv, process.env, command);
  if (help) {
    console.log(`${usage}\n\n${flagHelp(command)}`);
    return 0;
  }
  const report = jobReportSchema.parse(
    await triggerLocalFunction(ADMIN_FUNCTIONS[command], { port: settings.ports.bot }),
  );
  const { outcomes: _perRep, ...summary } = report as Record<string, unknown>;
  console.log(JSON.stringify(summary, null, 2));
  // The counts alone mislead on a rerun: `"delivered": 1` counts the card sent earlier this week.
  if (account && report.status === 'completed') {
    // The run's times in the team's words, as the admins read them: the stack's zone, the run's day.
    const wording = {
      timeZone: settings.timeZone,
      locale: process.env.LOCALE || undefined,
      today: report.localDate ?? localDate(new Date(), settings.timeZone),
    };
    console.log(`\n${account(report, wording)}`);
  }
  return (report.counts?.failed ?? 0) > 0 ? 1 : 0;
}
