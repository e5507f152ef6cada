import { readRulesFile } from '../cli/readRulesFile';
import type { Config } from '../config/config';
import type { Rules } from '../rules';

/**
 * The rules the config asks for: a blob in the feed container (RULES_BLOB, as in Azure), a file (RULES_FILE), else
 * the defaults. The blob client is loaded only when a blob is asked for, so the bot's cold start does not pay for it.
 */
export async function loadRules(config: Config): Promise<Rules> {
  const { container } = config.feed;
  if (config.rulesBlob && container) {
    const [{ feedContainerFor }, { readRulesBlob }] = await Promise.all([
      import('./feedContainer.js'),
      import('./readRulesBlob.js'),
    ]);
    return readRulesBlob(feedContainerFor(config, container), config.rulesBlob);
  }
  return readRulesFile(config.rulesFile);
}
