import { type ContainerClient, RestError } from '@azure/storage-blob';
import { RulesError } from '../rules';
import type { RulesText } from './readRulesFile';
import { decodeText } from './textEncoding';

/**
 * Reads the rules file (column mapping, weights) from a blob in the feed container, so it travels with the exports
 * it describes: in Azure the deployed package holds no rules file. The text, unchecked (parseRulesText checks it);
 * a missing blob is a RulesError naming it.
 */
export async function readRulesBlobText(container: ContainerClient, blobName: string): Promise<RulesText> {
  try {
    return {
      source: `${container.containerName}/${blobName}`,
      text: decodeText(await container.getBlobClient(blobName).downloadToBuffer()),
    };
  } catch (err) {
    if (!(err instanceof RestError && err.statusCode === 404)) throw err;
    throw new RulesError([
      `The feed container "${container.containerName}" has no blob "${blobName}" (RULES_BLOB). Upload the rules file there, or unset RULES_BLOB to use the built-in rules.`,
    ]);
  }
}
