import { randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { loadRules } from '../../../feed/rulesSource';
import { loadConfig } from '../../../functions/config';
import { defaultRules, RulesError } from '../../../rules';

// In Azure the rules file (column mapping, weights) is a blob beside the feed: RULES_BLOB names it.

describe('the rules file from the feed container on Azurite', () => {
  const connectionString = inject('azuriteConnectionString');
  let name: string;
  const configFor = (env: Record<string, string>) =>
    loadConfig({ STORAGE_CONNECTION_STRING: connectionString, FEED_CONTAINER: name, ...env });
  const container = () => BlobServiceClient.fromConnectionString(connectionString).getContainerClient(name);
  const upload = async (blob: string, text: string) => {
    await container().createIfNotExists();
    await container().getBlockBlobClient(blob).upload(text, Buffer.byteLength(text));
  };

  beforeEach(() => {
    name = `rules${randomBytes(4).toString('hex')}`;
  });
  afterEach(async () => {
    await container().deleteIfExists();
  });

  it('reads and validates the blob RULES_BLOB names', async () => {
    await upload(
      'config/rules.json',
      JSON.stringify({
        lossReasons: [{ code: 'moved', label: 'Moved away' }],
        columns: { customers: { customer_id: 'Account No' } },
      }),
    );
    const rules = await loadRules(configFor({ RULES_BLOB: 'config/rules.json' }));
    expect(rules.lossReasons).toEqual([{ code: 'moved', label: 'Moved away' }]);
    expect(rules.columns.customers).toMatchObject({ customer_id: 'Account No' });
  });

  it('a missing blob stops with a message naming the container and the blob', async () => {
    await container().create();
    await expect(loadRules(configFor({ RULES_BLOB: 'rules.json' }))).rejects.toThrow(
      new RegExp(`feed container "${name}" has no blob "rules.json" \\(RULES_BLOB\\)`),
    );
  });

  it('a blob that is not JSON, or not valid rules, is a RulesError naming the blob', async () => {
    await upload('rules.json', '{ not json');
    const error = await loadRules(configFor({ RULES_BLOB: 'rules.json' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RulesError);
    expect(String(error)).toContain(`${name}/rules.json is not valid JSON`);
    await upload('rules.json', JSON.stringify({ lossReasons: 'price' }));
    await expect(loadRules(configFor({ RULES_BLOB: 'rules.json' }))).rejects.toThrow(/lossReasons/);
  });

  it('without RULES_BLOB the built-in rules apply, and the container is not touched', async () => {
    expect(await loadRules(configFor({}))).toEqual(defaultRules());
  });
});
