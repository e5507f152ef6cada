import { readRulesFile } from '../cli/readRulesFile';
import { type Config, loadConfig } from '../config/config';
import { feedReaderFor } from '../runs/weeklyWiring';
import { openStorage } from '../storage';
import { openCardStore } from '../storage/cardStore';
import { createTabService } from '../tabs/api/tabService';
import {
  createTokenVerifier,
  entraKeys,
  entraPolicy,
  refuseAll,
  type TokenVerifier,
} from '../tabs/api/tabToken';
import type { TabRuntime } from './tabApi';

let runtime: Promise<TabRuntime> | undefined;

/** The process-wide tab runtime, built on first use from the environment; a failed build is retried next time. */
export function getTabRuntime(): Promise<TabRuntime> {
  runtime ??= buildTabRuntime(loadConfig()).catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  return runtime;
}

/** The Entra ID verifier when SSO is configured; otherwise one that refuses every token. */
export function entraVerifier(config: Config): TokenVerifier {
  const sso = config.tabSso;
  return sso ? createTokenVerifier(entraKeys(sso.tenantId), entraPolicy(sso)) : refuseAll;
}

/** The tab API's ports from the config: Table Storage, the card store, the rules, the feed; `verify` and `clock` may be replaced (local host). */
export async function buildTabRuntime(
  config: Config,
  options: { verify?: TokenVerifier; clock?: () => Date } = {},
): Promise<TabRuntime> {
  const [storage, cards, rules] = await Promise.all([
    openStorage(config.storage, { timeZone: config.timeZone }),
    openCardStore(config.storage),
    readRulesFile(config.rulesFile),
  ]);
  const service = createTabService({
    storage,
    cards,
    rules,
    readBook: feedReaderFor(config, rules),
    timeZone: config.timeZone,
    access: {
      tenantId: config.bot.tenantId,
      adminUserIds: config.adminUserIds,
      managerUserIds: config.managerUserIds,
    },
    clock: options.clock ?? (() => new Date()),
  });
  return { verify: options.verify ?? entraVerifier(config), service };
}
