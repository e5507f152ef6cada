import type { Config } from '../functions/config';
import type { Rules } from '../rules';
import { feedContainerFor } from './feedContainer';
import { readRulesBlob } from './readRulesBlob';
import { readRulesFile } from './readRulesFile';

/** The rules the config asks for: a blob in the feed container (RULES_BLOB, as in Azure), a file (RULES_FILE), else the defaults. */
export function loadRules(config: Config): Promise<Rules> {
  const { container } = config.feed;
  if (config.rulesBlob && container)
    return readRulesBlob(feedContainerFor(config, container), config.rulesBlob);
  return readRulesFile(config.rulesFile);
}
