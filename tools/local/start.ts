import { FeedError } from '../../feed/feedError';
import { findFeedFiles } from '../../feed/feedFiles';
import { readRulesFile } from '../../feed/readRulesFile';
import { ConfigError } from '../../functions/config';
import type { WeeklyReport } from '../../jobs/weekly/weeklyReport';
import { RulesError } from '../../rules';
import { sameAddress } from '../../rules/addresses';
import { DEFAULT_PORTS, flagHelp, parseLocalSettings, SettingsError } from './settings';
import { type LocalStack, PortsInUseError, startStack } from './stack';

/**
 * `npm start`: the whole product on this machine (Azurite, the demo feed, the local Functions host,
 * the Agents Playground as Teams), the weekly card already waiting in the demo rep's chat; then
 * it tells the user what to open and type. Ctrl-C stops everything; a second Ctrl-C forces.
 */

const USAGE = `npm start [-- options]: run Churn Predictor locally with the demo book and a Teams-like client.

${flagHelp('start')}
  --verbose                                 print the services' own log lines too`;

/** What to open and type, once the stack is up; `weekly` = the automatic run's outcome if it is already done. */
export function welcomeText(stack: LocalStack, seconds: number, weekly: WeeklyReport | Error | null): string {
  const { settings, urls, playground, config } = stack;
  const { aadObjectId } = playground.user;
  // The chat's `summary` answers managers and admins only: Ana as the demo starts her is neither.
  const summaryLine = [...config.managerUserIds, ...config.adminUserIds].includes(aadObjectId)
    ? "summary   last month's team summary (locally: see npm run summary)"
    : `summary   last month's team summary, for managers: start with MANAGER_USER_IDS=${aadObjectId} to be one`;
  const asOf = settings.asOf ? `as of ${settings.asOf}` : 'on the real clock';
  const lines = [
    '',
    `Churn Predictor is running (${asOf}, ${settings.timeZone}; up in ${seconds.toFixed(1)} s).`,
    '',
    `  Open   ${urls.playground}`,
    `         the Agents Playground, a local Teams: you are ${playground.user.name} <${playground.user.email}>.`,
    `         ${settings.weeklyRun === 'browser' ? 'Your weekly card arrives in the personal chat as the page opens (the Playground shows only what arrives while it is open).' : weeklyLine(weekly, settings.rep.email, { pageOpen: false })}`,
    '',
    '  Type in the personal chat:',
    '         list      your current list',
    '         undo      your last action',
    `         ${summaryLine}`,
    '         help',
    '',
    '  In another terminal:',
    `         npm run weekly      run the weekly job now (once per week: the ledger keeps it to one card)`,
    `         npm run followups   send today's follow-up digests (-- --day YYYY-MM-DD moves the clock first)`,
    `         npm run summary     post this month's summary, with your taps, to the team "${playground.teamName}"`,
    // The commands look for the stack on the default port: on another, they must be told.
    ...(stack.ports.bot === DEFAULT_PORTS.bot
      ? []
      : [
          `         (this stack's host is on port ${stack.ports.bot}: add -- --bot-port ${stack.ports.bot} to each)`,
        ]),
    '',
    `  Tabs   ${urls.tabPersonal}   (My customers, signed in as ${playground.user.name})`,
    `         ${urls.tabTeam}       (Team)`,
    '',
    `  Bot endpoint ${urls.messages}   health ${urls.health}`,
    `  Storage: Azurite on 127.0.0.1 (blob ${stack.ports.blob}, queue ${stack.ports.queue}, table ${stack.ports.table}), ${settings.location ? `data kept in ${settings.location}` : 'in memory'}`,
    '',
    'Press Ctrl-C to stop everything.',
  ];
  return lines.join('\n');
}

/**
 * One line about the rep's weekly card. `pageOpen` false: the run went out at start (--weekly start),
 * before any Playground page could be open, and the Playground shows only what arrives while it is.
 */
export function weeklyLine(
  weekly: WeeklyReport | Error | null,
  rep: string,
  { pageOpen = true }: { pageOpen?: boolean } = {},
): string {
  if (weekly === null) return 'The weekly job has not run (--weekly off): `npm run weekly` sends the card.';
  if (weekly instanceof Error) return `The weekly job failed: ${weekly.message}`;
  // The feed's own message names the file, the column and the fix: a user's first feed needs it here, not behind --verbose.
  if (weekly.status === 'stopped')
    return `The weekly job stopped before sending anything: ${weekly.feedError.message} Fix it and run \`npm start\` again (the feed is uploaded at start).`;
  if (weekly.status !== 'completed') return `The weekly job did not run: ${weekly.reason}.`;
  const mine = weekly.outcomes.find((o) => sameAddress(o.rep, rep));
  if (!mine) {
    // The run reached every owner in the feed: naming a few saves opening the export to find one.
    const owners = weekly.outcomes.map((o) => o.rep).sort();
    const named =
      owners.slice(0, 5).join(', ') + (owners.length > 5 ? `, and ${owners.length - 5} more` : '');
    return `${rep} owns no customers in the feed: pick a feed owner with --rep${owners.length > 0 ? ` (${named})` : ''}.`;
  }
  switch (mine.status) {
    case 'delivered':
      // A restart with --location: the ledger knows the card went out before, and sends nothing now.
      return mine.earlier
        ? `Your weekly card (${weekly.runKey}) was delivered earlier this week and is not sent again: type list in the personal chat to see your list.`
        : pageOpen
          ? `Your weekly card (${weekly.runKey}, ${mine.customers} customers) is waiting in the personal chat.`
          : `Your weekly card (${weekly.runKey}, ${mine.customers} customers) went out before the Playground was open, so its chat will not show it: type list there to see your list.`;
    case 'nothing_to_send':
      return `Nobody on your list this week (${weekly.runKey}): nothing was sent.`;
    default:
      return `Your weekly card was not delivered (${mine.status}); see the log above.`;
  }
}

/**
 * Whether a log line reaches the terminal. Service lines start with "[name]"; progress lines are
 * always shown. Of the weekly run's lines, what it made of the feed (rows skipped with file, line
 * and reason; or, with none skipped, what it still had to say: orders left out by their status,
 * refunds taken off) is shown; a stop and the reps without an install are summed up in the welcome
 * text instead.
 */
export function shownLine(line: string, verbose: boolean): boolean {
  return (
    verbose ||
    !line.startsWith('[') ||
    /^\[(bot|functions):(warn|error)\]|^\[weekly:error\]|^\[weekly(:warn)?\] feed: /.test(line)
  );
}

/** Starts the stack and waits for Ctrl-C; returns the exit code. */
export async function start(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  const verbose = argv.includes('--verbose');
  const { settings, help } = parseLocalSettings(argv.filter((a) => a !== '--verbose'));
  if (help) {
    console.log(USAGE);
    return 0;
  }
  // A folder holding an export under its own name (Shopify's customers_export.csv), or a rules file
  // with a mistake, is told at once, before Azurite and the Functions host start for nothing.
  await findFeedFiles(settings.feedDir);
  await readRulesFile(settings.rulesFile);
  const started = performance.now();
  const log = (line: string) => {
    if (shownLine(line, verbose)) console.log(line);
  };
  console.log('Starting Churn Predictor locally...');
  // Listening from the first child on: a stop signal while the stack starts (SIGTERM reaches this
  // process alone, unlike a terminal's Ctrl-C) must still stop Azurite and free its ports.
  const interrupt = onInterrupt();
  let stack: LocalStack;
  try {
    stack = await startStack(settings, { log, signal: interrupt.signal });
  } catch (error) {
    if (!interrupt.signal.aborted) throw error;
    console.log('Stopped before it was up; the ports are free.');
    return 0;
  }
  const seconds = (performance.now() - started) / 1000;
  if (settings.weeklyRun === 'browser') {
    console.log(welcomeText(stack, seconds, null));
    // Said once the page has opened and the card went out; the result never rejects (see LocalStack).
    stack.automaticWeekly.then(
      (weekly) => {
        if (weekly)
          console.log(`\n${new Date().toLocaleTimeString()}  ${weeklyLine(weekly, settings.rep.email)}`);
      },
      (error: unknown) => console.error(error),
    );
  } else {
    console.log(welcomeText(stack, seconds, await stack.automaticWeekly));
  }
  await interrupt.requested;
  await stack.stop();
  console.log('Stopped; the ports are free.');
  return 0;
}

/** The first Ctrl-C (or SIGTERM) aborts `signal` and settles `requested`; a second one exits at once. */
function onInterrupt(): { signal: AbortSignal; requested: Promise<void> } {
  const controller = new AbortController();
  const requested = new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (controller.signal.aborted) {
        console.log(`\n${signal} again: exiting now without waiting.`);
        // Azurite's exit hook still sends it SIGINT; see local/azurite.ts.
        process.exit(130);
      }
      console.log('\nStopping (Azurite, the Playground, the Functions host)... Ctrl-C again to force.');
      controller.abort();
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return { signal: controller.signal, requested };
}

/**
 * The message `npm start` prints for a mistake of the user's (a flag, a port in use, a setting, a
 * feed folder without the feed's files, a rules file), exit code 2; null for anything else, printed with its
 * stack (exit code 1).
 */
export function userMistake(error: unknown): string | null {
  const known =
    error instanceof SettingsError ||
    error instanceof PortsInUseError ||
    error instanceof ConfigError ||
    error instanceof FeedError ||
    error instanceof RulesError;
  return known ? `\n${error.message}` : null;
}

if (require.main === module) {
  start().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const mistake = userMistake(error);
      console.error(mistake ?? error);
      process.exitCode = mistake === null ? 1 : 2;
    },
  );
}
