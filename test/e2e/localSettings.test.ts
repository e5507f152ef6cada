import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config';
import {
  DEFAULT_PORTS,
  localClock,
  localConfigEnv,
  nameFromEmail,
  parseLocalSettings,
  portHint,
  SettingsError,
} from '../../tools/local/settings';
import { userMistake } from '../../tools/local/start';

// The local settings are pure (no process, no port): flags win over the environment, which wins
// over the embedded defaults; every bad value is named with its flag and variable.

describe('local settings', () => {
  it('defaults to the usual local ports, the demo book as of Monday 2026-11-23 and Ana as the user', () => {
    const { settings, help } = parseLocalSettings([], {});
    expect(help).toBe(false);
    expect(settings).toEqual({
      ports: { bot: 3978, playground: 56150, blob: 10000, queue: 10001, table: 10002 },
      asOf: '2026-11-23',
      timeZone: 'UTC',
      feedDir: 'demo/feed',
      feedContainer: 'feed',
      rep: { email: 'ana.ruiz@contoso.example', name: 'Ana Ruiz' },
      weeklyRun: 'browser',
    });
    expect(DEFAULT_PORTS.bot).toBe(3978);
  });

  it('reads the environment, and a flag beats its variable', () => {
    const env = {
      BOT_PORT: '4000',
      PLAYGROUND_PORT: '4001',
      AZURITE_LOCATION: '/tmp/az',
      TIME_ZONE: 'Europe/London',
    };
    const { settings } = parseLocalSettings(
      ['--bot-port', '5000', '--as-of', 'today', '--weekly', 'off'],
      env,
    );
    expect(settings.ports).toMatchObject({ bot: 5000, playground: 4001 });
    expect(settings).toMatchObject({
      location: '/tmp/az',
      timeZone: 'Europe/London',
      asOf: null,
      weeklyRun: 'off',
    });
  });

  it('names every bad value with its flag and variable', () => {
    const parse = () =>
      parseLocalSettings(['--bot-port', '70000', '--as-of', '23/11/2026'], { TIME_ZONE: 'Mars/Olympus' });
    expect(parse).toThrow(SettingsError);
    expect(parse).toThrow(/--bot-port \/ BOT_PORT: a port is 0 to 65535/);
    expect(parse).toThrow(/--as-of \/ AS_OF: a date as YYYY-MM-DD/);
    expect(parse).toThrow(/--time-zone \/ TIME_ZONE: an IANA time zone/);
  });

  it('refuses an as-of day the calendar does not have', () => {
    expect(() => parseLocalSettings(['--as-of', '2026-02-30'], {})).toThrow(
      /--as-of \/ AS_OF: not a calendar date/,
    );
    expect(() => parseLocalSettings([], { AS_OF: '2026-04-31' })).toThrow(/not a calendar date/);
  });

  it('refuses an unknown flag and shows the options', () => {
    expect(() => parseLocalSettings(['--bot', '1'], {})).toThrow(
      /Unknown option '--bot'[\s\S]*--bot-port <n>/,
    );
  });

  it('refuses a flag given twice, as the CLI does, rather than take the last without a word', () => {
    // `npm start -- --as-of 2026-11-23 ... --as-of 2026-11-30` scored the 30th.
    const parse = () =>
      parseLocalSettings(['--as-of', '2026-11-23', '--bot-port', '4000', '--as-of', '2026-11-30'], {});
    expect(parse).toThrow(SettingsError);
    expect(parse).toThrow(
      /^--as-of is given twice \("2026-11-23" and "2026-11-30"\): give it once\n\nOptions[\s\S]*--as-of <YYYY-MM-DD>/,
    );
    expect(() => parseLocalSettings(['--month', '2026-10', '--month=2026-11'], {}, 'summary')).toThrow(
      /--month is given twice \("2026-10" and "2026-11"\)/,
    );
    expect(userMistake(new SettingsError('x'))).toBe('\nx');
  });

  it('takes --month for npm run summary, and checks it', () => {
    expect(parseLocalSettings(['--month', '2026-10'], {}, 'summary').month).toBe('2026-10');
    expect(() => parseLocalSettings(['--month', '2026-13'], {}, 'summary')).toThrow(/expected YYYY-MM/);
  });

  it('refuses a stack setting given to a command that only finds the running stack, where it would do nothing', () => {
    // `npm run weekly -- --as-of 2026-11-30` ran this week's job as if the date had moved.
    expect(() => parseLocalSettings(['--as-of', '2026-11-30'], {}, 'weekly')).toThrow(
      /Unknown option '--as-of'[\s\S]*--bot-port <n>/,
    );
    expect(() => parseLocalSettings(['--feed', 'my-book'], {}, 'summary')).toThrow(/Unknown option '--feed'/);
    expect(() => parseLocalSettings(['--month', '2026-10'], {}, 'followups')).toThrow(
      /Unknown option '--month'/,
    );
    // ...and a command's own flag given to npm start, where it did nothing either.
    expect(() => parseLocalSettings(['--day', '2026-11-30'], {})).toThrow(/Unknown option '--day'/);
    expect(parseLocalSettings(['--day', '2026-11-30', '--bot-port', '4000'], {}, 'followups')).toMatchObject({
      day: '2026-11-30',
      settings: { ports: { bot: 4000 } },
    });
  });

  it('says how to move a service off a taken port', () => {
    expect(portHint('playground')).toBe('pass --playground-port <port> (or set PLAYGROUND_PORT=<port>)');
  });

  it('names the rep from their email', () => {
    expect(nameFromEmail('ana.ruiz@contoso.example')).toBe('Ana Ruiz');
    expect(nameFromEmail('JEAN-LUC_PICARD@x.example')).toBe('Jean Luc Picard');
  });
});

describe('the local clock', () => {
  it('starts at the as-of day at the weekly send time in the team’s zone, then runs at real speed', () => {
    const startedAt = Date.now();
    const clock = localClock(
      { asOf: '2026-11-23', timeZone: 'America/Chicago' },
      { hour: 8, minute: 3 },
      startedAt,
    );
    const at = clock().getTime();
    // 08:03 in Chicago (CST, UTC-6) is 14:03 UTC; a few ms have passed since startedAt.
    const start = Date.parse('2026-11-23T14:03:00Z');
    expect(at).toBeGreaterThanOrEqual(start);
    expect(at - start).toBeLessThan(1_000);
  });

  it('is the real clock without an as-of date', () => {
    const before = Date.now();
    const now = localClock({ asOf: null, timeZone: 'UTC' }, { hour: 8, minute: 3 })().getTime();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now - before).toBeLessThan(1_000);
  });
});

describe('the product configuration of a local stack', () => {
  it('points storage and the feed container at Azurite and keeps the bot unauthenticated', () => {
    const { settings } = parseLocalSettings([], {});
    const env = localConfigEnv(settings, 'UseDevelopmentStorage=true', {
      MicrosoftAppId: 'a-real-app-id',
      STORAGE_TABLE_ENDPOINT: 'https://x.table.core.windows.net',
      RULES_FILE: 'my-rules.json',
    });
    expect(env).toMatchObject({
      STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true',
      STORAGE_TABLE_ENDPOINT: undefined,
      FEED_CONTAINER: 'feed',
      FEED_DIR: undefined,
      MicrosoftAppId: '',
      RULES_FILE: 'my-rules.json',
    });
  });

  it('--rules wins over a RULES_BLOB the shell has from the Azure deployment (docs/deploy.md)', () => {
    // A shell that read ~/churn-prod.env has RULES_BLOB=rules.json: without this the app refused to
    // start ("Set at most one of RULES_FILE ... or RULES_BLOB") on the very flag the docs give.
    const shell = { RULES_BLOB: 'rules.json' };
    const { settings } = parseLocalSettings(['--rules', 'my-rules.json'], shell);
    const env = localConfigEnv(settings, 'UseDevelopmentStorage=true', shell);
    expect(loadConfig(env)).toMatchObject({ rulesFile: 'my-rules.json', rulesBlob: undefined });
  });
});
