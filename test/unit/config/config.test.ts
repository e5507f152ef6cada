import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../functions/config';

const local = { STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

describe('loadConfig', () => {
  it('fills the defaults: Monday 08:03 (ISO weekday 1), summary 09:00, UTC, local bot', () => {
    const c = loadConfig(local);
    expect(c.weeklySendAt).toEqual({ weekday: 1, hour: 8, minute: 3 });
    expect(c.monthlySendAt).toEqual({ hour: 9, minute: 0 });
    expect(c.timeZone).toBe('UTC');
    expect(c.bot.appId).toBe('');
    expect(c.storage.tablePrefix).toBe('churn');
  });

  it('reads Sunday as ISO weekday 7 and admins as a list', () => {
    const c = loadConfig({ ...local, WEEKLY_SEND_AT: 'Sunday 18:30', ADMIN_USER_IDS: ' a , b,,' });
    expect(c.weeklySendAt).toEqual({ weekday: 7, hour: 18, minute: 30 });
    expect(c.adminUserIds).toEqual(['a', 'b']);
  });

  it('lists every bad setting in one error', () => {
    expect(() => loadConfig({ ...local, WEEKLY_SEND_AT: 'Monday 8am', MicrosoftAppType: 'Nope' })).toThrow(
      /WEEKLY_SEND_AT[\s\S]*MicrosoftAppType|MicrosoftAppType[\s\S]*WEEKLY_SEND_AT/,
    );
  });

  it('needs exactly one way to reach storage', () => {
    expect(() => loadConfig({})).toThrow(/STORAGE_CONNECTION_STRING/);
    expect(() =>
      loadConfig({ ...local, STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net' }),
    ).toThrow(/exactly one/);
    expect(
      loadConfig({ STORAGE_TABLE_ENDPOINT: 'https://acct.table.core.windows.net' }).storage.tableEndpoint,
    ).toBe('https://acct.table.core.windows.net');
  });

  it('rejects an unknown time zone by name', () => {
    expect(() => loadConfig({ ...local, TIME_ZONE: 'Mars/Olympus' })).toThrow(
      /TIME_ZONE: unknown IANA zone "Mars\/Olympus"/,
    );
  });

  it('takes the rules file as a local path or as a blob in the feed container, not both', () => {
    expect(loadConfig({ ...local, FEED_CONTAINER: 'feed', RULES_BLOB: 'rules.json' }).rulesBlob).toBe(
      'rules.json',
    );
    expect(() =>
      loadConfig({ ...local, FEED_CONTAINER: 'feed', RULES_BLOB: 'rules.json', RULES_FILE: 'rules.json' }),
    ).toThrow(/RULES_BLOB: Set at most one of RULES_FILE/);
    expect(() => loadConfig({ ...local, RULES_BLOB: 'rules.json' })).toThrow(
      /RULES_BLOB: RULES_BLOB names a blob in the feed container: set FEED_CONTAINER too/,
    );
  });
});
