import { stat } from 'node:fs/promises';
import { RestError } from '@azure/storage-blob';
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
