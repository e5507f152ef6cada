import type { ContainerClient } from '@azure/storage-blob';
import { createBotAdapter } from '../bot/adapter';
import { type ActionHandler, consoleLog, type Log } from '../bot/ports';
import { ProactiveSender } from '../bot/proactiveSender';
import { type BotRuntime, createBotRuntime } from '../bot/runtime';
import { createActionHandler } from '../bot/taps/actionHandler';
import { refreshCardsInChats } from '../bot/taps/cardRefresh';
import { blobFeedVersion, readBlobFeed, type ZipsNotFeed } from '../feed/blobFeed';
import { feedContainerFor } from '../feed/feedContainer';
import { folderFeedVersion } from '../feed/feedFiles';
import { feedOptionsFrom } from '../feed/feedOptions';
import { feedReadKey, keptFeed } from '../feed/keptFeed';
import { keptRules } from '../feed/keptRules';
import { type FeedResult, readFeed } from '../feed/readFeed';
import { loadRulesText, rulesSourceName, rulesVersion } from '../feed/rulesSource';
import type { FollowUpsRunDeps } from '../jobs/followups/followUpsRun';
import type { MonthlySummaryDeps } from '../jobs/monthly/monthlySummaryRun';
import { summaryCardFor } from '../jobs/monthly/summaryCardFor';
import { summaryFeedLoader } from '../jobs/monthly/summaryFeedFigures';
import { keptListsNow } from '../jobs/weekly/keptListsNow';
import { brokenRulesTold, noValidRules, tellBrokenRules } from '../jobs/weekly/rulesFileNotice';
import { adminNotifier } from '../jobs/weekly/weeklyNotice';
import { repDirectory } from '../jobs/weekly/weeklyRepDirectory';
import type { WeeklyRunDeps } from '../jobs/weekly/weeklyRun';
import type { Rules } from '../rules/rulesSchema';
import { openStorage, type Storage } from '../storage';
import { type CardStore, openCardStore } from '../storage/cardStore';
import { keptStates } from '../storage/keptStates';
import { createTabService, type TabService } from '../tabs/api/tabService';
import {
  createTokenVerifier,
  entraKeys,
  entraPolicy,
  refuseAll,
  type TokenVerifier,
} from '../tabs/api/tabToken';
import { type Config, feedSettingsOf, loadConfig, weeklySendText } from './config';

type SendCardReference = Parameters<ProactiveSender['sendCard']>[0];

/** Every dependency the functions use, built once from the config. */
export interface Wiring {
  config: Config;
  storage: Storage;
  cards: CardStore;
  /** The one CloudAdapter: the endpoint and the senders share it. */
  adapter: BotRuntime['adapter'];
  /** Card taps and text commands: the bot and the tabs act through the same handler. */
  actions: ActionHandler;
  /** The bot endpoint's runtime (the rules file followed as it changes, asked at most every FEED_RECHECK_MS). */
  bot: BotRuntime;
  /** The tab API: the SSO token check and the service behind /api/tab/*. */
  tabs: { verify: TokenVerifier; service: TabService };
  /**
   * The weekly run's dependencies; the rules file and the feed asked on each call and read when they
   * changed (a broken rules file: the last valid one's rules, and what is wrong, for the admins).
   */
  weekly(log: Log): Promise<WeeklyRunDeps>;
  /** The daily follow-ups' dependencies: the weekly run's, asked afresh on each call. */
  followUps(log: Log): Promise<FollowUpsRunDeps>;
  /** The monthly summary's dependencies for a tick at `now`; `log` the run's (default the wiring's). */
  monthly(now: Date, log?: Log): Promise<MonthlySummaryDeps>;
}

export interface WiringOptions {
  /** The clock taps are dated by (the local stack runs on the demo's date). */
  clock?: () => Date;
  log?: Log;
  /** A sender to use instead of the ProactiveSender over the bot adapter (tests, benchmarks). */
  sender?: ProactiveSender;
  /** The tabs' token check instead of Entra ID's (the local host's development key set). */
  tabVerify?: TokenVerifier;
}

/** Builds every dependency from the config: Table Storage, the bot adapter, the senders, the rules, the feed. */
export async function wire(config: Config, options: WiringOptions = {}): Promise<Wiring> {
  const log = options.log ?? consoleLog;
  const clock = options.clock ?? (() => new Date());
  const [storage, cards] = await Promise.all([
    // The audit's month partitions follow the team's calendar, as the monthly summary reads them.
    openStorage(config.storage, { timeZone: config.timeZone }),
    openCardStore(config.storage),
  ]);
  // The runs, the bot and the tabs follow the rules file as it changes; a change that is not valid
  // is not taken: the last valid file goes on (kept in the run ledger, so a new instance has it too).
  const rules = await keptRules({
    version: () => rulesVersion(config),
    read: () => loadRulesText(config),
    source: rulesSourceName(config),
    store: storage.runs,
    clock,
    log,
  });
  const adapter = createBotAdapter(config.bot, log);
  const sender = options.sender ?? new ProactiveSender({ adapter, appId: config.bot.appId });
  // The stored reference is the Bot Framework shape as JSON (validated when it was stored).
  const sendCard = (reference: Record<string, unknown>, card: Record<string, unknown>, text: string) =>
    sender.sendCard(reference as SendCardReference, card, text);
  const hasFeed = Boolean(config.feed.dir || config.feed.container);
  // One read of the feed for the tabs, the timer runs, `list` and `summary`, kept until the export
  // changes (a listing or a stat tells, not a download): a tick on an unchanged feed reads none, and
  // the tabs and the bot reuse the tick's read. Resolved on the first read (the bot works on a host whose feed is not
  // configured yet).
  const feed = keptFeed({ version: () => feedVersionFor(config)(), clock });
  // A zip beside the exports that holds none of them (a backup) is downloaded once, not by each read.
  const zipsNotFeed: ZipsNotFeed = new Map();
  /**
   * The feed as of a day, read through the kept feed with `r`'s columns and formats, for a timer run,
   * `list` or `summary`: the feed's version is asked each time (a listing), and only a changed feed
   * is downloaded.
   */
  const keptReader =
    (r: Rules) =>
    (asOf: string): Promise<FeedResult> =>
      feed.read({
        key: feedReadKey(r, asOf),
        read: () => feedReaderFor(config, r, zipsNotFeed)(asOf),
        recheck: true,
      });

  // Every customer's state, read whole once and then only the rows written since: the tabs and
  // `list` share it, and an unchanged map is what lets `list` use its kept plan again.
  const states = keptStates(storage.state);
  /** A month's summary as the channel card shows it, wherever it is shown: the rules' labels and silence, the feed's saves and holdout outcomes. */
  const summaryOptions = (r: Rules) => ({
    timeZone: config.timeZone,
    lossReasons: r.lossReasons,
    currency: config.card.currency,
    locale: config.card.locale,
    silentAfterDays: r.followUps.silentAfterDays,
    coolDownDays: r.coolDownDays,
    tabAppId: config.teamsAppId,
  });
  const summaryFeed = (r: Rules, feedLog: Log = log) =>
    hasFeed ? summaryFeedLoader(keptReader(r), { getAll: states }, r, config.timeZone, feedLog) : undefined;
  // Who may act on whose customers: the same for a tap on a card and in a tab.
  const access = {
    tenantId: config.bot.tenantId,
    adminUserIds: config.adminUserIds,
    managerUserIds: config.managerUserIds,
  };

  const actions = createActionHandler({
    stores: {
      state: storage.state,
      audit: storage.audit,
      conversations: storage.conversations,
      listings: storage.listings,
      cards,
    },
    rules: rules.get,
    timeZone: config.timeZone,
    access,
    // The `summary` command shows the same card the monthly timer posts, from the audit trail and
    // the feed; a feed that cannot be read leaves its figures out (the card says what is missing).
    summaryCard: async (month) => {
      const current = await rules.get();
      const load = summaryFeed(current);
      const now = clock();
      const figures = load ? await load(month, now) : {};
      return (await summaryCardFor(storage, month, { ...summaryOptions(current), ...figures, now, log }))
        .card;
    },
    cardFormat: config.card,
    daysOff: config.daysOff,
    // `list` plans the week exactly as the weekly run does, from the feed, as of today; its pages
    // use the plan again while nothing it was planned from changed.
    ...(hasFeed
      ? {
          states,
          listsNow: keptListsNow({
            rules: rules.get,
            readBook: (asOf, current) => keptReader(current)(asOf),
            clock,
            directory: () => repDirectory(storage.conversations),
            ledger: { runs: storage.runs, timeZone: config.timeZone },
          }),
        }
      : {}),
    weeklySendText: (rep) => weeklySendText(config, rep),
    log,
    clock,
  });
  /** The admins' notice the bot, the weekly, daily and monthly runs share. */
  const notifyAdmins = (runLog: Log) =>
    adminNotifier(
      sendCard,
      storage.conversations,
      { adminUserIds: config.adminUserIds, adminChannelId: config.adminChannelId },
      runLog,
    );
  const bot = createBotRuntime({
    bot: config.bot,
    store: storage.conversations,
    actions,
    log,
    adapter,
    // A move of the summary channel is told to the admins as the weekly run's notice is.
    admins: {
      adminUserIds: config.adminUserIds,
      notifyAdmins: notifyAdmins(log),
    },
    claimDelivery: (d) => cards.claimDelivery(d.conversationId, d.activityId),
  });

  const tabs = {
    verify: options.tabVerify ?? entraVerifier(config),
    service: createTabService({
      storage,
      cards,
      rules: rules.get,
      readBook: (asOf, current) => feedReaderFor(config, current, zipsNotFeed)(asOf),
      feed,
      states,
      timeZone: config.timeZone,
      // The book's currency, as the cards state it: every amount the tabs show is in it.
      currency: config.card.currency,
      locale: config.card.locale,
      access,
      clock,
      log,
      refreshCards: (userId, customer) =>
        refreshCardsInChats(
          {
            cards,
            audit: storage.audit,
            conversations: storage.conversations,
            listings: storage.listings,
            // Short retries, as the tab waits for its answer; paced with the bot's own refreshes after
            // a tap, in one count per chat.
            replace: bot.replaceCard,
            access,
            timeZone: config.timeZone,
            clock,
            log,
          },
          userId,
          customer,
        ),
    }),
  };

  /**
   * The rules a timer run goes on with: the file's, asked now, or while it is broken the last valid
   * file's. With no valid file ever read there are none: the weekly tick tells the admins (once per
   * broken version), and each run stops, waiting for a valid file once the admins know, failing (an
   * Azure alert) while they do not (noValidRules).
   */
  const rulesForRun = async (runLog: Log, run: 'weekly run' | 'daily follow-ups' | 'monthly summary') => {
    const inForce = await rules.now();
    if (inForce.rules) return inForce;
    const { broken } = inForce;
    // The weekly tick (every 15 minutes, due or not) is the one that tells the admins.
    const told =
      run === 'weekly run'
        ? await tellBrokenRules(
            broken,
            { log: runLog, notifyAdmins: notifyAdmins(runLog), runs: storage.runs },
            clock(),
            { timeZone: config.timeZone, locale: config.card.locale },
          )
        : await brokenRulesTold(broken, storage.runs);
    throw noValidRules(broken, told, runLog, run);
  };

  /** What the weekly and the daily runs share; the rules file asked now, the feed read when it changed. */
  const runDeps = async (runLog: Log, run: 'weekly run' | 'daily follow-ups') => {
    const { rules: current, broken } = await rulesForRun(runLog, run);
    return {
      storage,
      cards,
      rules: current,
      rulesFile: broken,
      rulesSource: rulesSourceName(config),
      // A weekly run the feed stopped is tried again every 15 minutes: through the kept read, an
      // unchanged feed is not downloaded again each time, and the tabs share the run's read.
      readBook: keptReader(current),
      sender: sendCard,
      log: runLog,
      notifyAdmins: notifyAdmins(runLog),
    };
  };

  return {
    config,
    storage,
    cards,
    adapter,
    actions,
    bot,
    tabs,
    async weekly(runLog) {
      // The weekly tick (every 15 minutes) is the one that tells the admins of a broken rules file.
      const deps = await runDeps(runLog, 'weekly run');
      return {
        ...deps,
        config: {
          timeZone: config.timeZone,
          weeklySendAt: config.weeklySendAt,
          ...config.daysOff,
          tabAppId: config.teamsAppId,
          ...config.card,
        },
      };
    },
    async followUps(runLog) {
      // The same storage, cards, rules file, feed, sender and admin notice as the weekly run.
      const deps = await runDeps(runLog, 'daily follow-ups');
      return {
        ...deps,
        // Who may undo what, as the bot takes it: a digest row offers its Undo only to a rep who may.
        config: { timeZone: config.timeZone, ...config.daysOff, ...config.card, access },
      };
    },
    async monthly(now, runLog = log) {
      const { rules: current, broken } = await rulesForRun(runLog, 'monthly summary');
      return {
        storage,
        log: runLog,
        rulesFile: broken,
        rulesSource: rulesSourceName(config),
        sender: sendCard,
        now,
        // A summary the channel refuses, or that keeps failing, is told to the admins, not only logged.
        notifyAdmins: notifyAdmins(runLog),
        // Saves that hold and the holdout's outcomes need the order feed; the rest is the audit trail.
        ...(hasFeed ? { loadFeed: summaryFeed(current, runLog) } : {}),
        config: {
          schedule: {
            timeZone: config.timeZone,
            ...config.monthlySendAt,
            ...config.daysOff,
            workingDays: current.followUps.workingDays,
          },
          ...summaryOptions(current),
        },
      };
    },
  };
}

/**
 * The feed reader the config asks for: the blob container when FEED_CONTAINER is set, else the
 * FEED_DIR folder; `zipsNotFeed` keeps, across its reads, the zips in the container that hold no feed file.
 */
export function feedReaderFor(
  config: Config,
  rules: Rules,
  zipsNotFeed?: ZipsNotFeed,
): (asOf: string) => Promise<FeedResult> {
  const feed = feedLocation(config);
  const options = (asOf: string) => feedOptionsFrom(rules, asOf, feedSettingsOf(config));
  return 'container' in feed
    ? (asOf) => readBlobFeed(feed.container, { ...options(asOf), ...(zipsNotFeed ? { zipsNotFeed } : {}) })
    : (asOf) => readFeed(feed.dir, options(asOf));
}

/** What the configured feed is now (blobs' ETags, files' sizes and times), found without reading it. */
export function feedVersionFor(config: Config): () => Promise<string> {
  const feed = feedLocation(config);
  return 'container' in feed ? () => blobFeedVersion(feed.container) : () => folderFeedVersion(feed.dir);
}

/** Where the feed is: the blob container when FEED_CONTAINER is set, else the FEED_DIR folder. */
function feedLocation(config: Config): { container: ContainerClient } | { dir: string } {
  const { container, dir } = config.feed;
  if (container) return { container: feedContainerFor(config, container) };
  if (dir) return { dir };
  throw new Error('No feed configured: set FEED_CONTAINER (a blob container) or FEED_DIR (a folder)');
}

/** The Entra ID verifier when tab SSO is configured; otherwise one that refuses every token (fail closed). */
export function entraVerifier(config: Config): TokenVerifier {
  const sso = config.tabSso;
  return sso ? createTokenVerifier(entraKeys(sso.tenantId), entraPolicy(sso)) : refuseAll;
}

let shared: Promise<Wiring> | undefined;

/** The process-wide wiring, built on first use from the environment; a failed build is retried next time. */
export function sharedWiring(): Promise<Wiring> {
  shared ??= Promise.resolve()
    .then(() => wire(loadConfig()))
    .catch((error: unknown) => {
      shared = undefined;
      throw error;
    });
  return shared;
}
