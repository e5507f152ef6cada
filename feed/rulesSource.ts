import { stat } from 'node:fs/promises';
import { RestError } from '@azure/storage-blob';
import type { Config } from '../functions/config';
import { defaultRules, type Rules } from '../rules';
import { feedContainerFor } from './feedContainer';
import { readRulesBlobText } from './readRulesBlob';
import { parseRulesText, type RulesText, readRulesFileText } from './readRulesFile';

/** The rules the config asks for: a blob in the feed container (RULES_BLOB, as in Azure), a file (RULES_FILE), else the defaults. */
export async function loadRules(config: Config): Promise<Rules> {
  const read = await loadRulesText(config);
  return read ? parseRulesText(read.text, read.source) : defaultRules();
}

/** The text of the rules file the config names, unchecked (see loadRules); null when it names none. */
export function loadRulesText(config: Config): Promise<RulesText | null> {
  const { container } = config.feed;
  if (config.rulesBlob && container)
    return readRulesBlobText(feedContainerFor(config, container), config.rulesBlob);
  return config.rulesFile ? readRulesFileText(config.rulesFile) : Promise.resolve(null);
}

/** The rules file the config names, as the admins know it (container/blob, or the path). */
export function rulesSourceName(config: Config): string {
  const { container } = config.feed;
  if (config.rulesBlob && container) return `${container}/${config.rulesBlob}`;
  return config.rulesFile ?? 'the built-in rules';
}

/**
 * What the rules file loadRules reads is now, without reading it: the blob's ETag, or the file's size
 * and last change. A file or blob gone is a version too (the read then says what is missing).
 */
export async function rulesVersion(config: Config): Promise<string> {
  const { container } = config.feed;
  if (config.rulesBlob && container) {
    try {
      const properties = await feedContainerFor(config, container)
        .getBlobClient(config.rulesBlob)
        .getProperties();
      return `blob ${properties.etag ?? ''} ${properties.lastModified?.toISOString() ?? ''}`;
    } catch (error) {
      if (error instanceof RestError && error.statusCode === 404) return 'missing';
      throw error;
    }
  }
  if (!config.rulesFile) return 'defaults';
  try {
    const s = await stat(config.rulesFile);
    return `file ${s.size} ${s.mtimeMs}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}
