import { createServer, request as httpRequest, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APOLOGY, type BotRuntime, type BotRuntimeOptions, createBotRuntime } from '../../../bot';
import { SUMMARY_HERE_ADMINS_ONLY } from '../../../bot/churnBot';
import type { Config } from '../../../functions/config';
import { createHealthHandler } from '../../../functions/health';
import { createMessagesHandler } from '../../../functions/messages';
import {
  type FunctionRoute,
  type FunctionsHost,
  PortInUseError,
  registeredRoute,
  startFunctionsHost,
} from '../../../tools/local/functionsHost';
import { HELP_TEXT, MemoryLog, RecordingActions, RecordingStore } from './recordingPorts';

// The real CloudAdapter behind the real messages handler, over HTTP through the local Functions host.

const localBot: Config['bot'] = { appId: '', appPassword: '', appType: 'MultiTenant', tenantId: '' };
const securedBot: Config['bot'] = {
  appId: '11111111-2222-3333-4444-555555555555',
  appPassword: 'not-a-real-secret',
  appType: 'MultiTenant',
  tenantId: '',
};

interface Harness {
  host: FunctionsHost;
  store: RecordingStore;
  actions: RecordingActions;
  log: MemoryLog;
}

async function startHarness(
  bot: Config['bot'],
  actions = new RecordingActions(),
  admins: BotRuntimeOptions['admins'] = undefined,
  claimDelivery: BotRuntimeOptions['claimDelivery'] = undefined,
): Promise<Harness> {
  const store = new RecordingStore();
  const log = new MemoryLog();
  const runtime: BotRuntime = createBotRuntime({
    bot,
    store,
    actions,
    log,
    ...(admins ? { admins } : {}),
    ...(claimDelivery ? { claimDelivery } : {}),
  });
  const routes: FunctionRoute[] = [
    registeredRoute(
      'messages',
      createMessagesHandler(async () => runtime),
    ),
    registeredRoute('health', createHealthHandler([])),
  ];
  const host = await startFunctionsHost({ port: 0, routes, log: () => undefined });
  return { host, store, actions, log };
}

/** A minimal Bot Connector that records what the bot sends (replies go to the activity's serviceUrl). */
function startRecordingConnector(): Promise<{ url: string; sent: unknown[]; server: Server }> {
  const sent: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      sent.push({ method: req.method, url: req.url, body: body ? JSON.parse(body) : undefined });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `reply-${sent.length}` }));
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ url: `http://127.0.0.1:${port}`, sent, server });
    });
  });
}

function messageActivity(serviceUrl: string, text: string): Record<string, unknown> {
  return {
    type: 'message',
    id: 'activity-1',
    channelId: 'msteams',
    serviceUrl,
    text,
    from: { id: '29:user', name: 'Ana Ruiz', aadObjectId: 'aad-ana' },
    recipient: { id: '28:bot', name: 'Churn Predictor' },
    conversation: { id: 'a:personal-1', conversationType: 'personal', tenantId: 'tenant-1' },
    channelData: { tenant: { id: 'tenant-1' } },
  };
}

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/api/messages`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });

describe('bot endpoint, local settings (empty app id)', () => {
  let h: Harness;
  let connector: Awaited<ReturnType<typeof startRecordingConnector>>;
  beforeAll(async () => {
    h = await startHarness(localBot);
    connector = await startRecordingConnector();
  });
  afterAll(async () => {
    await h.host.close();
    await new Promise<void>((resolve) => connector.server.close(() => resolve()));
  });

  it('answers the HEAD probe with 200 and an empty body', async () => {
    const response = await fetch(`${h.host.url}/api/messages`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('rejects malformed JSON with 400 without calling the bot', async () => {
    const response = await post(h.host.url, '{"type": "message",');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: expect.stringContaining('malformed JSON') });
    expect(h.actions.commands).toHaveLength(0);
  });

  it('rejects an activity that names a key twice with 400 without calling the bot', async () => {
    const activity = JSON.stringify(messageActivity(connector.url, 'help'));
    const response = await post(h.host.url, activity.replace('{', '{"type":"invoke",'));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'malformed JSON: the key "type" appears twice in one object',
    });
    expect(h.actions.commands).toHaveLength(0);
  });

  it('rejects a JSON body that is not an activity object with 400', async () => {
    const response = await post(h.host.url, '[1,2,3]');
    expect(response.status).toBe(400);
    expect(h.actions.commands).toHaveLength(0);
  });

  it('delivers an unauthenticated message activity to the bot, which replies through the connector', async () => {
    const response = await post(h.host.url, JSON.stringify(messageActivity(connector.url, 'help')));
    expect(response.status).toBe(200);
    expect(h.actions.commands).toEqual([
      {
        command: 'help',
        actor: { userId: 'aad-ana', name: 'Ana Ruiz', tenantId: 'tenant-1' },
        conversationKind: 'personal',
        say: expect.any(Function),
        // The message's own id in its chat: what a delivery of it again is known by.
        delivery: { conversationId: 'a:personal-1', activityId: 'activity-1' },
      },
    ]);
    const reply = connector.sent.at(-1) as { url: string; body: { text: string } };
    expect(reply.url).toBe('/v3/conversations/a%3Apersonal-1/activities/activity-1');
    expect(reply.body.text).toBe(HELP_TEXT);
    // Every activity refreshes the rep's serviceUrl.
    expect(h.store.serviceUrlRefreshes).toContainEqual({ userId: 'aad-ana', serviceUrl: connector.url });
  });

  it('answers 415 to an activity not sent as JSON (text, a form, no type), without calling the bot', async () => {
    const activity = JSON.stringify(messageActivity(connector.url, 'list'));
    const commandsBefore = h.actions.commands.length;
    for (const type of ['text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', null]) {
      const response = await fetch(`${h.host.url}/api/messages`, {
        method: 'POST',
        body: type === null ? new TextEncoder().encode(activity) : activity,
        headers: type === null ? {} : { 'content-type': type },
      });
      expect(response.status, String(type)).toBe(415);
      expect(await response.json()).toEqual({ error: 'Content-Type must be application/json' });
    }
    expect(h.actions.commands).toHaveLength(commandsBefore);
    // As the Bot Connector sends it, with its charset: read.
    const response = await post(h.host.url, activity, { 'content-type': 'Application/JSON; charset=utf-8' });
    expect(response.status).toBe(200);
    expect(h.actions.commands.slice(commandsBefore).map((c) => c.command)).toEqual(['list']);
  });

  it('answers a message of 200,000 "<" at once, as any text it does not know', async () => {
    // Markup is taken out of a message before its words are read: a tag never closed must not make
    // that take time growing with the square of the message (minutes for this one).
    const started = Date.now();
    const response = await post(
      h.host.url,
      JSON.stringify(messageActivity(connector.url, '<'.repeat(200_000))),
    );
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(h.actions.commands.at(-1)?.command).toBe('help');
  });

  it('answers 413 to a body over a megabyte (an activity padded to 2 MB), without calling the bot', async () => {
    const commandsBefore = h.actions.commands.length;
    const padded = { ...messageActivity(connector.url, 'list'), padding: 'x'.repeat(2_000_000) };
    const response = await post(h.host.url, JSON.stringify(padded));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: 'request body too large' });
    expect(h.actions.commands).toHaveLength(commandsBefore);
  });

  it('answers GET on the messages route with 405 (POST and HEAD only)', async () => {
    const response = await fetch(`${h.host.url}/api/messages`);
    expect(response.status).toBe(405);
  });

  it('serves the health function through the same host', async () => {
    const response = await fetch(`${h.host.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });
});

describe('bot endpoint with an app id configured', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(securedBot);
  });
  afterAll(async () => {
    await h.host.close();
  });

  it('answers 401 to a POST without a token and never runs the bot', async () => {
    const response = await post(h.host.url, JSON.stringify(messageActivity('http://127.0.0.1:9/', 'help')));
    expect(response.status).toBe(401);
    expect(h.actions.commands).toHaveLength(0);
    expect(h.store.serviceUrlRefreshes).toHaveLength(0);
  });

  it('answers 401 to a POST with a forged bearer token', async () => {
    const forged = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"aud":"x"}').toString('base64url')}.`;
    const response = await post(h.host.url, JSON.stringify(messageActivity('http://127.0.0.1:9/', 'help')), {
      authorization: `Bearer ${forged}`,
    });
    expect(response.status).toBe(401);
    expect(h.actions.commands).toHaveLength(0);
  });

  it('answers 400, never 500, to a JSON object that is no activity (its type missing or not text), token or not', async () => {
    const forged = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"aud":"x"}').toString('base64url')}.`;
    const bodies = ['{}', '{"type":5}', '{"type":null}', '{"type":""}', '{"text":"help"}', '[]', '"message"'];
    const answers: string[] = [];
    for (const body of bodies) {
      for (const headers of [{}, { authorization: `Bearer ${forged}` }] as Record<string, string>[]) {
        const response = await post(h.host.url, body, headers);
        answers.push(
          `${body} ${Object.keys(headers).length ? 'with' : 'without'} a token: ${response.status}`,
        );
      }
    }
    expect(answers.filter((a) => !a.endsWith(': 400'))).toEqual([]);
    expect(h.actions.commands).toHaveLength(0);
    expect(h.store.serviceUrlRefreshes).toHaveLength(0);
  });
});

class FailingActions extends RecordingActions {
  override async command(): Promise<never> {
    throw new Error('storage unreachable at http://127.0.0.1:1');
  }
}

describe('bot endpoint when the action logic fails', () => {
  it('logs the error once and tells the user briefly (onTurnError), still answering 200', async () => {
    const h = await startHarness(localBot, new FailingActions());
    const connector = await startRecordingConnector();
    try {
      const response = await post(h.host.url, JSON.stringify(messageActivity(connector.url, 'list')));
      expect(response.status).toBe(200);
      expect((connector.sent.at(-1) as { body: { text: string } }).body.text).toBe(APOLOGY);
      const errors = h.log.lines.filter((l) => l.startsWith('error'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('storage unreachable at http://127.0.0.1:1');
    } finally {
      await h.host.close();
      await new Promise<void>((resolve) => connector.server.close(() => resolve()));
    }
  });
});

describe('local Functions host', () => {
  it('names the port and how to change it when the port is taken', async () => {
    const first = await startFunctionsHost({ port: 0, routes: [], log: () => undefined });
    try {
      const attempt = startFunctionsHost({ port: first.port, routes: [], portHint: 'set BOT_PORT' });
      await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
      await expect(attempt).rejects.toThrow(`Port ${first.port} on 127.0.0.1 is already in use`);
      await expect(attempt).rejects.toThrow('set BOT_PORT');
    } finally {
      await first.close();
    }
  });

  it('frees the port on close', async () => {
    const first = await startFunctionsHost({ port: 0, routes: [], log: () => undefined });
    await first.close();
    const again = await startFunctionsHost({ port: first.port, routes: [], log: () => undefined });
    expect(again.port).toBe(first.port);
    await again.close();
  });

  it('answers 404 for a path with no function', async () => {
    const host = await startFunctionsHost({ port: 0, routes: [], log: () => undefined });
    try {
      expect((await fetch(`${host.url}/api/nothing`)).status).toBe(404);
    } finally {
      await host.close();
    }
  });

  it('answers 413 to a body over 100 MB, as Azure’s host does, without reading it all or calling the function', async () => {
    const bodies: number[] = [];
    const host = await startFunctionsHost({
      port: 0,
      log: () => undefined,
      routes: [
        {
          name: 'sink',
          path: '/api/sink',
          methods: ['POST'],
          handler: async (request) => {
            bodies.push((await request.text()).length);
            return { status: 200 };
          },
        },
      ],
    });
    try {
      // Declared too large: answered at once, though only a byte of it ever comes.
      expect(await postLarge(host.url, { declared: 600 * 2 ** 20, send: 1 })).toEqual({
        status: 413,
        body: '{"error":"request body too large"}',
      });
      // Sent in chunks with no length declared: refused once it passes the limit.
      expect(await postLarge(host.url, { send: 101 * 2 ** 20 })).toEqual({
        status: 413,
        body: '{"error":"request body too large"}',
      });
      expect(bodies).toEqual([]);
      // A body within the limit still reaches the function.
      expect((await postLarge(host.url, { send: 2 ** 20 })).status).toBe(200);
      expect(bodies).toEqual([2 ** 20]);
    } finally {
      await host.close();
    }
  });
});

/**
 * POSTs `send` bytes to `/api/sink` in 1 MB chunks (with `declared` as its Content-Length, else
 * chunked), stopping once the host answers; resolves with the answer, or rejects after 10 s.
 */
function postLarge(
  url: string,
  o: { declared?: number; send: number },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error('no answer within 10 s'));
    }, 10_000);
    const request = httpRequest(`${url}/api/sink`, {
      method: 'POST',
      headers: o.declared === undefined ? {} : { 'content-length': String(o.declared) },
    });
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      let body = '';
      response.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      response.on('end', () => {
        clearTimeout(timer);
        request.destroy();
        resolve({ status: response.statusCode ?? 0, body });
      });
    });
    // The host may close the connection while the rest is being sent: that is its answer, not an error.
    request.on('error', (error) => {
      if (!answered) {
        clearTimeout(timer);
        reject(error);
      }
    });
    const chunk = Buffer.alloc(2 ** 20, 'x');
    const write = async () => {
      for (let sent = 0; sent < o.send && !answered; sent += chunk.length) {
        const part = chunk.subarray(0, Math.min(chunk.length, o.send - sent));
        if (!request.write(part)) await new Promise((r) => request.once('drain', r));
      }
      if (o.declared === undefined && !answered) request.end();
    };
    write().catch(() => undefined);
  });
}

describe('bot endpoint with a tenant configured', () => {
  let h: Harness;
  let connector: Awaited<ReturnType<typeof startRecordingConnector>>;
  beforeAll(async () => {
    h = await startHarness({ ...localBot, tenantId: 'tenant-1' });
    connector = await startRecordingConnector();
  });
  afterAll(async () => {
    await h.host.close();
    await new Promise<void>((resolve) => connector.server.close(() => resolve()));
  });

  const foreign = { conversationType: 'channel', tenantId: 'tenant-other' };
  const teamChannelData = {
    tenant: { id: 'tenant-other' },
    team: { id: '19:team-other@thread.tacv2', name: 'Other Co' },
    channel: { id: '19:chan-other@thread.tacv2' },
  };

  it('stores nothing when the app is installed in another tenant (rep or team)', async () => {
    const personal = {
      type: 'installationUpdate',
      action: 'add',
      id: 'install-1',
      channelId: 'msteams',
      serviceUrl: connector.url,
      from: { id: '29:eve', name: 'Eve', aadObjectId: 'aad-eve' },
      recipient: { id: '28:bot', name: 'Churn Predictor' },
      conversation: { id: 'a:eve', conversationType: 'personal', tenantId: 'tenant-other' },
      channelData: { tenant: { id: 'tenant-other' } },
    };
    const team = {
      ...personal,
      id: 'install-2',
      conversation: { id: '19:team-other@thread.tacv2', ...foreign },
      channelData: teamChannelData,
    };
    expect((await post(h.host.url, JSON.stringify(personal))).status).toBe(200);
    expect((await post(h.host.url, JSON.stringify(team))).status).toBe(200);
    expect(h.store.reps.size).toBe(0);
    expect(h.store.summaryChannels).toEqual([]);
    expect(h.store.serviceUrlRefreshes).toEqual([]);
  });

  it('does not move the summary channel for "summary here" from another tenant', async () => {
    const message = {
      ...messageActivity(connector.url, 'summary here'),
      conversation: { id: '19:chan-other@thread.tacv2;messageid=1', ...foreign },
      channelData: teamChannelData,
    };
    expect((await post(h.host.url, JSON.stringify(message))).status).toBe(200);
    expect(h.store.summaryChannels).toEqual([]);
  });
});

describe('the summary channel: set once by an install, moved only by an admin', () => {
  let h: Harness;
  let connector: Awaited<ReturnType<typeof startRecordingConnector>>;
  const told: string[] = [];
  // The claims as the card table keeps them (its own test runs them on Azurite): once per chat and id.
  const claimed = new Set<string>();
  beforeAll(async () => {
    h = await startHarness(
      { ...localBot, tenantId: 'tenant-1' },
      new RecordingActions(),
      {
        adminUserIds: ['aad-ada'],
        notifyAdmins: async (text) => {
          told.push(text);
          return 'posted';
        },
      },
      async ({ conversationId, activityId }) => {
        const key = JSON.stringify([conversationId, activityId]);
        if (claimed.has(key)) return false;
        claimed.add(key);
        return true;
      },
    );
    connector = await startRecordingConnector();
  });
  afterAll(async () => {
    await h.host.close();
    await new Promise<void>((resolve) => connector.server.close(() => resolve()));
  });

  const channelData = (team: string, channel: string) => ({
    tenant: { id: 'tenant-1' },
    team: { id: team, name: team === '19:sales@thread.tacv2' ? 'Sales' : 'Side Project' },
    channel: { id: channel },
  });
  const teamInstall = (team: string) => ({
    type: 'installationUpdate',
    action: 'add',
    id: `install-${team}`,
    channelId: 'msteams',
    serviceUrl: connector.url,
    from: { id: '29:eve', name: 'Eve', aadObjectId: 'aad-eve' },
    recipient: { id: '28:bot', name: 'Churn Predictor' },
    conversation: { id: team, conversationType: 'channel', tenantId: 'tenant-1' },
    channelData: channelData(team, team),
  });
  const summaryHere = (from: { id: string; name: string; aadObjectId: string }, channel: string) => ({
    ...messageActivity(connector.url, 'summary here'),
    from,
    conversation: { id: `${channel};messageid=1`, conversationType: 'channel', tenantId: 'tenant-1' },
    channelData: channelData('19:sales@thread.tacv2', channel),
  });
  const lastText = () => (connector.sent.at(-1) as { body?: { text?: string } } | undefined)?.body?.text;

  it('the first install sets General and tells the admins; adding the app to another team keeps it', async () => {
    expect((await post(h.host.url, JSON.stringify(teamInstall('19:sales@thread.tacv2')))).status).toBe(200);
    expect(h.store.summaryChannels.map((c) => c.channelId)).toEqual(['19:sales@thread.tacv2']);
    expect(told).toEqual([
      'The monthly summary will be posted in the General channel of Sales: the app was added to that team.',
    ]);
    // Every `npm start` installs the app in a team: a first setting is no warning the user sees.
    const summaryLines = () => h.log.lines.filter((l) => / summary channel /.test(l));
    expect(summaryLines()).toEqual([
      expect.stringMatching(/^info summary channel set .*General channel of Sales/),
    ]);
    expect((await post(h.host.url, JSON.stringify(teamInstall('19:side@thread.tacv2')))).status).toBe(200);
    expect(h.store.summaryChannels.map((c) => c.channelId)).toEqual(['19:sales@thread.tacv2']);
    expect(told).toHaveLength(1);
  });

  it('refuses "summary here" from someone who is not an admin, changing nothing', async () => {
    const before = h.store.summaryChannels.length;
    const eve = { id: '29:eve', name: 'Eve', aadObjectId: 'aad-eve' };
    expect((await post(h.host.url, JSON.stringify(summaryHere(eve, '19:eve@thread.tacv2')))).status).toBe(
      200,
    );
    expect(lastText()).toBe(SUMMARY_HERE_ADMINS_ONLY);
    expect(h.store.summaryChannels).toHaveLength(before);
    expect(told).toHaveLength(1);
  });

  it('moves the summary for an admin and tells the admins', async () => {
    const ada = { id: '29:ada', name: 'Ada Admin', aadObjectId: 'aad-ada' };
    expect((await post(h.host.url, JSON.stringify(summaryHere(ada, '19:wins@thread.tacv2')))).status).toBe(
      200,
    );
    expect(h.store.summaryChannels.at(-1)).toMatchObject({
      channelId: '19:wins@thread.tacv2',
      setBy: 'aad-ada',
    });
    expect(told.at(-1)).toBe(
      'Ada Admin moved the monthly summary to a channel of Sales (19:wins@thread.tacv2).',
    );
    expect(h.log.lines.filter((l) => / summary channel /.test(l)).at(-1)).toMatch(
      /^warn summary channel changed .*Ada Admin moved/,
    );
    expect(lastText()).toBe(
      'Done: the monthly summary will be posted in this channel. The admins were told.',
    );
  });

  it('moves the summary once for a "summary here" Teams delivers again with the same id', async () => {
    const ada = { id: '29:ada', name: 'Ada Admin', aadObjectId: 'aad-ada' };
    const again = { ...summaryHere(ada, '19:again@thread.tacv2'), id: 'summary-here-again' };
    const [moves, notices, replies] = [h.store.summaryChannels.length, told.length, connector.sent.length];
    expect((await post(h.host.url, JSON.stringify(again))).status).toBe(200);
    expect((await post(h.host.url, JSON.stringify(again))).status).toBe(200);
    expect(h.store.summaryChannels.length - moves).toBe(1);
    expect(told.length - notices).toBe(1);
    expect(connector.sent.length - replies).toBe(1);
    // Typed again (a new message, a new id), it acts again.
    expect(
      (await post(h.host.url, JSON.stringify({ ...again, id: 'summary-here-typed-again' }))).status,
    ).toBe(200);
    expect(h.store.summaryChannels.length - moves).toBe(2);
  });
});
