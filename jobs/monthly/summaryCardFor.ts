import type { Log } from '../../bot/ports';
import { buildMonthlySummaryCard } from '../../cards/monthlySummaryCard';
import { type RepNames, repNameLabels, repNamesOf, withFormerReps } from '../../cards/repNames';
import { localDate, shiftMonth } from '../../rules/calendar';
import type { ListedWeek } from '../../rules/listedWeeks';
import { DEFAULT_COOL_DOWN_DAYS } from '../../rules/rulesSchema';
import type { Storage } from '../../storage';
import type { AuditRow } from '../../storage/auditRow';
import { runLimited } from '../../storage/batches';
import { weeksIfReadable } from '../../storage/listingStore';
import type { RunLedger } from '../../storage/runLedger';
import { teamTabLink } from '../../tabs/api/deepLink';
import { weeklyRunKeyOfDay } from '../schedule/weeklyRunDue';
import { runKeyOfWeeklyRow } from '../weekly/weeklySurfaced';
import {
  type ComebackOutcomes,
  computeMonthlySummary,
  type MonthlySummary,
  pastTheCardIn,
  priorMonthsOf,
  reChurnWindowDays,
  type SummaryInput,
} from '.';
import { type RunCards, runCards } from './weeklyCards';

/** What the summary needs besides the audit trail. */
export interface SummaryCardOptions {
  timeZone: string;
  /** The rules file's loss reasons, for their labels. */
  lossReasons: readonly { code: string; label: string }[];
  currency?: string;
  locale?: string;
  /** Order-feed outcomes for the holdout comparison, when the caller has the feed. */
  outcomes?: ComebackOutcomes | null;
  /** Saves that hold, from the feed and the states, when the caller has the feed. */
  saves?: SummaryInput['saves'];
  /** The rules' followUps.silentAfterDays. */
  silentAfterDays?: number;
  /** The rules' coolDownDays: the re-churn window reaches past it (and the months read with it). */
  coolDownDays?: number;
  /** The Teams app id (TEAMS_APP_ID): the card links to the Team tab in the summary channel. */
  tabAppId?: string;
  /**
   * When the card is made: the week's run then may still send cards (a rep's own send time to come,
   * a retry), and its flags are counted as the Team tab counts them. None: every week's run is over.
   */
  now?: Date;
  /** Where a saved customer's Listings row that cannot be parsed is warned of (savedCustomersWeeks). */
  log?: Pick<Log, 'warn'>;
}

/**
 * The cards of each weekly run that flagged customers in `rows`, from the ledger (runCards): the
 * summary counts a flag only on a delivered card, so every place that shows a month reads this.
 * `today` (the team's date): the run of its week may still send cards; the others are over. None:
 * every run is over. `alsoRuns`: other weekly runs whose cards are asked about (listed weeks').
 */
export async function weeklyDeliveries(
  runs: Pick<RunLedger, 'getRun' | 'listRun'>,
  rows: readonly AuditRow[],
  today?: string,
  alsoRuns: Iterable<string> = [],
): Promise<Map<string, RunCards>> {
  const openRunKey = today === undefined ? undefined : weeklyRunKeyOfDay(today);
  const runKeys = new Set<string>(alsoRuns);
  for (const r of rows) {
    const key = r.action === 'surfaced' ? runKeyOfWeeklyRow(r.id) : null;
    if (key) runKeys.add(key);
  }
  const deliveries = new Map<string, RunCards>();
  for (const runKey of runKeys) {
    const [run, handled] = await Promise.all([runs.getRun(runKey), runs.listRun(runKey)]);
    // A run the ledger does not know is left out: its flags count as delivered, as before the ledger.
    if (!run) continue;
    deliveries.set(runKey, runCards(run, handled, runKey === openRunKey));
  }
  return deliveries;
}

/** Listing reads in flight at once while the summary reads the saved customers' weeks on the lists. */
const LISTING_READS = 8;

/**
 * The weeks of `month` each customer won back in `rows` (the months the re-churn window reaches) was
 * on a list past the card's first page, which only the listing store keeps: one point read a saved
 * customer. Only those weeks are kept: a big book's saved customers hold hundreds of MB of weeks.
 * A row that cannot be parsed counts as none (warned of, as the bot's card refresh does); a storage
 * failure still fails the summary, for the next tick to retry.
 */
export async function savedCustomersWeeks(
  listings: Pick<Storage['listings'], 'readRow'>,
  rows: readonly AuditRow[],
  month: string,
  log?: Pick<Log, 'warn'>,
): Promise<Map<string, readonly ListedWeek[]>> {
  const saved = [...new Set(rows.filter((r) => r.action === 'won_back').map((r) => r.customerId))];
  const inMonth = pastTheCardIn(month);
  const weeks = await runLimited(
    saved.map((id) => async () => [id, (await readableWeeks(listings, id, log)).filter(inMonth)] as const),
    LISTING_READS,
  );
  return new Map(weeks.filter(([, w]) => w.length > 0));
}

/** A customer's weeks on the lists; none when their row is not the schema (one bad row must not sink the month's summary). */
async function readableWeeks(
  listings: Pick<Storage['listings'], 'readRow'>,
  customerId: string,
  log?: Pick<Log, 'warn'>,
): Promise<ListedWeek[]> {
  const { weeks, unreadable } = await weeksIfReadable(listings, customerId);
  if (unreadable !== null)
    // The id in the words too: the CLI's log prints no details.
    log?.warn(
      `saved customer ${customerId}: their weeks on the lists not read, so the summary counts no listing of theirs past a card's first page`,
      { customerId, error: unreadable },
    );
  return weeks;
}

/**
 * The reps' names for a month's figures: the stored reps, and those who removed the app since, named
 * as Teams named them then (a rep who left after the month's saves is still read by name, not address),
 * one rep under all their addresses; one back under a new address is named as they are now.
 */
export async function figureRepNames(
  conversations: Pick<Storage['conversations'], 'listReps' | 'listRemoved'>,
): Promise<RepNames> {
  const [reps, removed] = await Promise.all([conversations.listReps(), conversations.listRemoved()]);
  return withFormerReps(repNamesOf(reps), removed, reps);
}

/**
 * Reads the month's audit partition with those before it that the re-churn window reaches (at
 * least three: re-churn, surfacing dates), the one after it (follow-ups, later undos) and the undos
 * of every month since, names the reps from their installs, and returns the summary and its card.
 * Used by the monthly run, the bot's `summary` command and the CLI.
 */
export async function summaryCardFor(
  storage: Pick<Storage, 'audit' | 'conversations' | 'runs' | 'listings'>,
  month: string,
  options: SummaryCardOptions,
): Promise<{ summary: MonthlySummary; card: Record<string, unknown> }> {
  const [rows, next, laterUndos, names, ...prior] = await Promise.all([
    storage.audit.readMonth(month),
    storage.audit.readMonth(shiftMonth(month, 1)),
    storage.audit.readUndosAfter(shiftMonth(month, 1)),
    figureRepNames(storage.conversations),
    ...priorMonthsOf(month, reChurnWindowDays(options.coolDownDays ?? DEFAULT_COOL_DOWN_DAYS)).map((m) =>
      storage.audit.readMonth(m),
    ),
  ]);
  const priorRows = prior.flat();
  const listedWeeks = await savedCustomersWeeks(
    storage.listings,
    [...priorRows, ...rows],
    month,
    options.log,
  );
  const summary = computeMonthlySummary({
    month,
    rows,
    deliveries: await weeklyDeliveries(
      storage.runs,
      rows,
      options.now && localDate(options.now, options.timeZone),
      // The runs of the month's listings past a card's first page: counted only on a card that went out.
      [...listedWeeks.values()].flat().map((w) => w.run),
    ),
    listedWeeks,
    priorRows,
    laterRows: [...next, ...laterUndos],
    timeZone: options.timeZone,
    currency: options.currency,
    locale: options.locale,
    lossReasons: [...options.lossReasons],
    // A rep is named whichever of their addresses the feed uses.
    ...repNameLabels(names),
    outcomes: options.outcomes ?? null,
    saves: options.saves ?? null,
    ...(options.silentAfterDays ? { silentAfterDays: options.silentAfterDays } : {}),
    ...(options.coolDownDays !== undefined ? { coolDownDays: options.coolDownDays } : {}),
  });
  const channel = options.tabAppId ? await storage.conversations.getSummaryChannel() : null;
  const links = options.tabAppId ? { teamTab: teamTabLink(options.tabAppId, channel?.channelId) } : {};
  return { summary, card: buildMonthlySummaryCard(summary, links) };
}
