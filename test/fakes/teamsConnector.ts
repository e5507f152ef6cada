import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A rate window: at most `limit` requests in any `windowMs`. */
interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * Teams' published limits for bots, stated here from Microsoft's "Rate limiting for bots" page and
 * not taken from the product, so a wrong number in the product's limiter meets 429s here: about 50
 * requests per second per app per tenant; per conversation 7 per 1 s, 8 per 2 s, 60 per 30 s and
 * 1,800 per hour.
 */
const PUBLISHED_GLOBAL_LIMITS: RateLimit[] = [{ limit: 50, windowMs: 1_000 }];
const PUBLISHED_CONVERSATION_LIMITS: RateLimit[] = [
  { limit: 7, windowMs: 1_000 },
  { limit: 8, windowMs: 2_000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1_800, windowMs: 3_600_000 },
];

/**
 * Teams' bot message size limit, stated from Microsoft's "Format your bot messages" page and not
 * taken from the product: about 100 KB, counting the message encoded as UTF-16; above it the bot gets
 * 413 RequestEntityTooLarge with the code MessageSizeTooBig.
 */
const PUBLISHED_MESSAGE_BYTES = 100 * 1024;

/** A message's size as Teams counts it: UTF-16, two bytes per code unit of its JSON. */
function utf16Bytes(body: string): number {
  return 2 * body.length;
}

/**
 * A failure the fake answers instead of accepting a request; `hang` never answers at all. `lost_answer`
 * posts the message and then never answers, as when Teams took it but its answer was lost on the way
 * back (a send's POST is not idempotent: the sender cannot tell this from `hang`).
 */
export type Injection =
  | { status: 'hang' }
  | { status: 'lost_answer' }
  | { status: 500 | 502 | 503 | 504 | 412 | 404 | 400 }
  | { status: 429; retryAfterSeconds: number }
  | { status: 403; code: ForbiddenCode };

/**
 * The 403 codes Teams answers a proactive message that cannot reach its user, with the messages of
 * Microsoft's "Status codes from bot conversational APIs" table: the user blocked the bot, the bot is
 * no longer in the conversation (the app uninstalled, the user removed from the team), the tenant's
 * admin disabled it, or it is not installed in the user's personal scope. `MessageWritesBlocked` is
 * the sub-code the proactive-messages page names for a blocked or uninstalled bot, in the body that
 * page shows (forbiddenBody).
 */
const FORBIDDEN_MESSAGES = {
  ConversationBlockedByUser: 'User blocked the conversation with the bot.',
  BotNotInConversationRoster: 'The bot is not part of the conversation roster.',
  BotDisabledByAdmin: 'The tenant admin disabled this bot',
  ForbiddenOperationException: "Bot isn't installed in user's personal scope",
  MessageWritesBlocked: 'Thread is blocked from message writes.',
} as const;
export type ForbiddenCode = keyof typeof FORBIDDEN_MESSAGES;

/** One activity the fake accepted. */
export interface RecordedActivity {
  kind: 'send' | 'update';
  conversationId: string;
  activityId: string;
  activity: Record<string, unknown>;
  at: number;
}

/** The Adaptive Card a recorded send or update carried (its first attachment's content). */
export function cardOf(recorded: RecordedActivity): unknown {
  return (recorded.activity as { attachments: { content: unknown }[] }).attachments[0].content;
}

export interface FakeTeamsConnectorOptions {
  /** Per-conversation sliding windows; default Teams' published 7/1 s, 8/2 s, 60/30 s, 1800/h. */
  conversationLimits?: RateLimit[];
  /** App-wide sliding windows; default about 50/s. */
  globalLimits?: RateLimit[];
  /** Bodies above this many bytes as UTF-16 answer 413; default Teams' published 100 KB. */
  maxBodyBytes?: number;
  now?: () => number;
}

/** Counters a test asserts on. */
export interface ConnectorStats {
  requests: number;
  accepted: number;
  throttled: number;
  injected: number;
  tooLarge: number;
  /** Requests held open without an answer (`hang`). */
  hung: number;
}

/** Answers 429 once any window already holds `limit` accepted requests; the Retry-After says when the oldest leaves. */
class SlidingWindows {
  private readonly stamps: number[] = [];
  constructor(private readonly limits: RateLimit[]) {}

  /** Milliseconds until one more request fits every window (0 = it fits now). */
  waitMs(now: number): number {
    let wait = 0;
    for (const { limit, windowMs } of this.limits) {
      const inWindow = this.stamps.filter((t) => t > now - windowMs);
      if (inWindow.length >= limit) wait = Math.max(wait, inWindow[inWindow.length - limit] + windowMs - now);
    }
    return wait;
  }

  record(now: number): void {
    this.stamps.push(now);
    const longest = Math.max(...this.limits.map((l) => l.windowMs));
    while (this.stamps.length > 0 && this.stamps[0] <= now - longest) this.stamps.shift();
  }
}

const ROUTES = {
  create: /^\/v3\/conversations\/?$/,
  member: /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)\/?$/,
  send: /^\/v3\/conversations\/([^/]+)\/activities\/?$/,
  reply: /^\/v3\/conversations\/([^/]+)\/activities\/([^/]+)\/?$/,
};

/**
 * A local stand-in for the Bot Connector REST API as the proactive sender uses it (create conversation,
 * send, reply, update), enforcing Teams' published rate limits with 429 + Retry-After, and able to inject
 * 5xx, 412, 429 and 403 (blocked) for given conversations or for the Nth request. Accepts any Authorization.
 */
export class FakeTeamsConnector {
  readonly activities: RecordedActivity[] = [];
  readonly stats: ConnectorStats = {
    requests: 0,
    accepted: 0,
    throttled: 0,
    injected: 0,
    tooLarge: 0,
    hung: 0,
  };
  /** Wall-clock times (from `now`) of every request, accepted or not, in arrival order. */
  readonly requestTimes: number[] = [];
  private readonly byConversation = new Map<string, { injection: Injection; remaining: number }>();
  private readonly byRequestNumber = new Map<number, Injection>();
  private readonly throttledUntil = new Map<string, number>();
  private readonly conversationWindows = new Map<string, SlidingWindows>();
  private readonly globalWindows: SlidingWindows;
  private readonly conversationsByMember = new Map<string, string>();
  private readonly roster = new Map<string, Record<string, unknown>>();
  private nextId = 1;

  private constructor(
    private readonly server: Server,
    private readonly options: Required<FakeTeamsConnectorOptions>,
  ) {
    this.globalWindows = new SlidingWindows(options.globalLimits);
  }

  /** Starts the fake on 127.0.0.1 on a free port. */
  static async start(options: FakeTeamsConnectorOptions = {}): Promise<FakeTeamsConnector> {
    const full: Required<FakeTeamsConnectorOptions> = {
      conversationLimits: options.conversationLimits ?? PUBLISHED_CONVERSATION_LIMITS,
      globalLimits: options.globalLimits ?? PUBLISHED_GLOBAL_LIMITS,
      maxBodyBytes: options.maxBodyBytes ?? PUBLISHED_MESSAGE_BYTES,
      now: options.now ?? (() => performance.timeOrigin + performance.now()),
    };
    let fake: FakeTeamsConnector | undefined;
    const server = createServer((req, res) => {
      if (!fake) throw new Error('request before the fake connector was ready');
      fake.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'FakeConnectorError', message: String(error) } }));
      });
    });
    fake = new FakeTeamsConnector(server, full);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  /** Base URL to put in conversation references (`serviceUrl`). */
  get serviceUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/`;
  }

  /** Answers `injection` to the next `times` requests for `conversationId` (default: all of them). */
  injectForConversation(
    conversationId: string,
    injection: Injection,
    times = Number.POSITIVE_INFINITY,
  ): void {
    this.byConversation.set(conversationId, { injection, remaining: times });
  }

  /**
   * Throttles a conversation as Teams does when it asks for a long wait: every request for it until
   * the fake's clock (`now`) reaches `untilMs` is answered 429 with a Retry-After of the whole seconds
   * still to wait, the same end each time, however often it is asked.
   */
  throttleConversationUntil(conversationId: string, untilMs: number): void {
    this.throttledUntil.set(conversationId, untilMs);
  }

  /** Answers `injection` to the Nth request the fake receives (1-based, counted over all requests). */
  injectAtRequest(n: number, injection: Injection): void {
    this.byRequestNumber.set(n, injection);
  }

  /**
   * Puts a user in the tenant's roster: a member lookup (the bot's TeamsInfo.getMember on an install)
   * by their channel account id answers their account as Teams does, with their Entra id, email and
   * sign-in name; anyone else is 404 MemberNotFoundInConversation.
   */
  addMember(member: { id: string; name: string; aadObjectId: string; email: string }): void {
    this.roster.set(member.id, {
      ...member,
      userPrincipalName: member.email,
      tenantId: 'tenant-1',
      userRole: 'user',
    });
  }

  /** Accepted sends (not updates) to one conversation. */
  sentTo(conversationId: string): RecordedActivity[] {
    return this.activities.filter((a) => a.kind === 'send' && a.conversationId === conversationId);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((e) => (e ? reject(e) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = this.options.now();
    this.stats.requests++;
    this.requestTimes.push(now);
    const requestNumber = this.stats.requests;
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://fake').pathname;

    if (req.method === 'POST' && ROUTES.create.test(path)) return this.createConversation(body, res);
    const member = req.method === 'GET' ? ROUTES.member.exec(path) : null;
    if (member) {
      const account = this.roster.get(decodeURIComponent(member[2]));
      if (account) return json(res, 200, account);
      return json(res, 404, {
        error: {
          code: 'MemberNotFoundInConversation',
          message: 'The member was not found in the conversation.',
        },
      });
    }

    const send = req.method === 'POST' ? (ROUTES.send.exec(path) ?? ROUTES.reply.exec(path)) : null;
    const update = req.method === 'PUT' ? ROUTES.reply.exec(path) : null;
    const match = send ?? update;
    if (!match) return json(res, 404, { error: { code: 'NotFound', message: `${req.method} ${path}` } });
    const conversationId = decodeURIComponent(match[1]);

    const until = this.throttledUntil.get(conversationId);
    if (until !== undefined && now < until) {
      this.stats.throttled++;
      return answerInjection(res, { status: 429, retryAfterSeconds: Math.ceil((until - now) / 1000) });
    }
    const injected = this.takeInjection(conversationId, requestNumber);
    if (injected?.status === 'hang') {
      // Holds the request open and answers nothing, as a stalled service would; stop() closes it.
      this.stats.injected++;
      this.stats.hung++;
      return;
    }
    if (injected?.status === 'lost_answer') {
      // Taken as Teams takes it (the message is in the chat), with no answer; stop() closes it.
      this.stats.injected++;
      this.stats.hung++;
      this.stats.accepted++;
      this.activities.push({
        kind: update ? 'update' : 'send',
        conversationId,
        activityId: update ? decodeURIComponent(update[2]) : `activity-${this.nextId++}`,
        activity: parseJsonObject(body),
        at: now,
      });
      return;
    }
    if (injected) {
      this.stats.injected++;
      if (injected.status === 429) this.stats.throttled++;
      return answerInjection(res, injected);
    }
    if (utf16Bytes(body) > this.options.maxBodyBytes) {
      this.stats.tooLarge++;
      return json(res, 413, { error: { code: 'MessageSizeTooBig', message: 'Message size too big' } });
    }
    const windows = this.windowsOf(conversationId);
    const wait = Math.max(this.globalWindows.waitMs(now), windows.waitMs(now));
    if (wait > 0) {
      this.stats.throttled++;
      // Retry-After in whole seconds as Teams sends it, never 0.
      return json(
        res,
        429,
        { error: { code: 'Throttled', message: 'Too many requests' } },
        {
          'retry-after': String(Math.max(1, Math.ceil(wait / 1000))),
        },
      );
    }
    this.globalWindows.record(now);
    windows.record(now);
    this.stats.accepted++;

    const activity = parseJsonObject(body);
    if (update) {
      const activityId = decodeURIComponent(update[2]);
      if (!this.activities.some((a) => a.activityId === activityId && a.conversationId === conversationId)) {
        // Teams' code for a message id it cannot find in the conversation (deleted, or never there).
        return json(res, 404, {
          error: { code: 'ActivityNotFoundInConversation', message: 'Conversation not found.' },
        });
      }
      this.activities.push({ kind: 'update', conversationId, activityId, activity, at: now });
      return json(res, 200, { id: activityId });
    }
    const activityId = `activity-${this.nextId++}`;
    this.activities.push({ kind: 'send', conversationId, activityId, activity, at: now });
    return json(res, 201, { id: activityId });
  }

  private createConversation(body: string, res: ServerResponse): void {
    const params = parseJsonObject(body) as { members?: { id?: unknown }[] };
    const member = params.members?.[0]?.id;
    if (typeof member !== 'string') {
      json(res, 400, { error: { code: 'BadArgument', message: 'members[0].id is required' } });
      return;
    }
    let id = this.conversationsByMember.get(member);
    if (!id) {
      id = `a:fake-${this.nextId++}`;
      this.conversationsByMember.set(member, id);
    }
    this.stats.accepted++;
    json(res, 201, { id });
  }

  private takeInjection(conversationId: string, requestNumber: number): Injection | null {
    const atN = this.byRequestNumber.get(requestNumber);
    if (atN) {
      this.byRequestNumber.delete(requestNumber);
      return atN;
    }
    const forConversation = this.byConversation.get(conversationId);
    if (!forConversation || forConversation.remaining <= 0) return null;
    forConversation.remaining--;
    return forConversation.injection;
  }

  private windowsOf(conversationId: string): SlidingWindows {
    let w = this.conversationWindows.get(conversationId);
    if (!w) {
      w = new SlidingWindows(this.options.conversationLimits);
      this.conversationWindows.set(conversationId, w);
    }
    return w;
  }
}

/** The error codes Teams' "status codes from bot conversational APIs" table gives these statuses. */
const INJECTED_CODES: Partial<Record<number, string>> = {
  400: 'BadArgument',
  // Teams' answer for a conversation that no longer exists (the user left the tenant, the chat deleted).
  404: 'ConversationNotFound',
  412: 'PreconditionFailed',
};

/**
 * A 403's body as Teams sends it: the table's codes in the connector's `error` object; a blocked or
 * uninstalled bot's as the proactive-messages page shows it, the sub-code inside `message`, itself
 * JSON text with Windows line ends (no `error` object at all).
 */
function forbiddenBody(code: ForbiddenCode): Record<string, unknown> {
  if (code !== 'MessageWritesBlocked') return { error: { code, message: FORBIDDEN_MESSAGES[code] } };
  const inner = { subCode: code, details: FORBIDDEN_MESSAGES[code], errorCode: null, errorSubCode: null };
  return { errorCode: 209, message: JSON.stringify(inner, null, 2).replace(/\n/g, '\r\n') };
}

function answerInjection(
  res: ServerResponse,
  injection: Exclude<Injection, { status: 'hang' } | { status: 'lost_answer' }>,
): void {
  switch (injection.status) {
    case 429:
      json(
        res,
        429,
        { error: { code: 'Throttled', message: 'Injected throttle' } },
        {
          'retry-after': String(injection.retryAfterSeconds),
        },
      );
      return;
    case 403:
      json(res, 403, forbiddenBody(injection.code));
      return;
    default:
      json(res, injection.status, {
        error: {
          code: INJECTED_CODES[injection.status] ?? 'ServiceError',
          message: `Injected ${injection.status}`,
        },
      });
      return;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJsonObject(body: string): Record<string, unknown> {
  if (body === '') return {};
  const parsed: unknown = JSON.parse(body);
  return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
