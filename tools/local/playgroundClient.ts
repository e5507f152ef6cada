import WebSocket from 'ws';
import { z } from 'zod';

/**
 * Drives a running Agents Playground headless through its internal endpoints (the ones its web UI
 * uses). They are not a public API: everything that knows them lives here. See local/PLAYGROUND.md.
 */

const userSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  aadObjectId: z.string(),
  email: z.string(),
  userPrincipleName: z.string().optional(),
});

const configSchema = z.object({
  config: z.looseObject({
    tenantId: z.string(),
    bot: z.looseObject({ id: z.string(), name: z.string() }),
    currentUser: userSchema,
    users: z.array(userSchema),
    personalChat: z.looseObject({ id: z.string() }),
    groupChats: z.array(z.looseObject({ id: z.string(), name: z.string() })),
    teams: z.array(
      z.looseObject({
        id: z.string(),
        name: z.string(),
        channels: z.array(z.looseObject({ id: z.string(), name: z.string() })),
      }),
    ),
  }),
});
export type PlaygroundConfig = z.infer<typeof configSchema>['config'];

const messageSchema = z.looseObject({
  messageId: z.string(),
  timestamp: z.number().optional(),
  from: z.looseObject({ id: z.string() }).optional(),
  text: z.string().optional(),
  attachments: z.array(z.looseObject({ contentType: z.string(), content: z.unknown() })).default([]),
});

const eventSchema = z.looseObject({
  action: z.string(),
  actionConversationId: z.string().optional(),
  message: messageSchema.optional(),
});
export type PlaygroundEvent = z.infer<typeof eventSchema>;

const sentSchema = z.looseObject({
  messageId: z.string(),
  postConversationId: z.string().optional(),
});

/** A live subscription to the conversation stream (bot messages created and updated). */
export interface EventStream {
  /** Every event seen since the stream opened, in order. */
  readonly events: readonly PlaygroundEvent[];
  /** Resolves with the first event, at index `since` or later, that matches; rejects after timeoutMs. */
  waitFor(
    predicate: (event: PlaygroundEvent) => boolean,
    timeoutMs?: number,
    since?: number,
  ): Promise<PlaygroundEvent>;
  /** The current event count, to wait only for what comes after an action. */
  mark(): number;
  close(): Promise<void>;
}

export class PlaygroundClient {
  constructor(readonly baseUrl: string) {}

  /** The Playground's users, chats, team and channels. Its first call also probes the bot (HEAD). */
  async getConfig(): Promise<PlaygroundConfig> {
    return configSchema.parse(await this.request('GET', '/_internal/v1/config')).config;
  }

  /** Has the Playground install the app in a conversation: sends installationUpdate then conversationUpdate. */
  async install(conversationId: string): Promise<void> {
    await this.request('POST', `/_debug/conversation/${encodeURIComponent(conversationId)}/installation`, {});
  }

  /** Sends a built-in custom activity (`install`, `uninstall`, ...) to the bot for a conversation. */
  async sendCustomActivity(conversationId: string, type: string): Promise<void> {
    const query = new URLSearchParams({ conversationId, type });
    const template = await this.request('GET', `/_internal/v1/customActivities/template?${query}`);
    await this.request('POST', '/_internal/v1/customActivities', template);
  }

  /** Posts a user's message; in a channel or group chat, `mentionBot` makes it reach the bot. */
  async sendText(
    conversationId: string,
    text: string,
    options: { fromId?: string; mentionBot?: { id: string; name: string } } = {},
  ): Promise<{ messageId: string; postConversationId?: string }> {
    const fromId = options.fromId ?? (await this.getConfig()).currentUser.id;
    const mention = options.mentionBot;
    const body = mention
      ? {
          from: { id: fromId },
          text: `<at>${mention.name}</at> ${text}`,
          textFormat: 'plain',
          mentions: [{ mentioned: { id: mention.id, name: mention.name }, text: `<at>${mention.name}</at>` }],
        }
      : { from: { id: fromId }, text, textFormat: 'plain' };
    const path = `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`;
    return sentSchema.parse(await this.request('POST', path, body));
  }

  /** Taps an Action.Submit: the bot gets a message whose `value` is `value` and `replyToId` the card's id. */
  async submit(
    conversationId: string,
    replyToId: string,
    value: Record<string, unknown>,
    fromId?: string,
  ): Promise<void> {
    const from = fromId ?? (await this.getConfig()).currentUser.id;
    await this.request('POST', '/_conversation/v1/submit', {
      conversation: { id: conversationId },
      from: { id: from },
      replyToId,
      value,
    });
  }

  /** Opens the conversation event stream; open it before acting so no event is missed. */
  async openEventStream(): Promise<EventStream> {
    const wsUrl = `${this.baseUrl.replace(/^http/, 'ws')}/_ws_conversation/v1/conversations/stream`;
    const socket = new WebSocket(wsUrl);
    const events: PlaygroundEvent[] = [];
    const listeners = new Set<() => void>();
    socket.on('message', (data: WebSocket.RawData) => {
      const parsed = eventSchema.safeParse(JSON.parse(data.toString()));
      if (!parsed.success) return;
      events.push(parsed.data);
      for (const listener of listeners) listener();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return {
      events,
      mark: () => events.length,
      waitFor: (predicate, timeoutMs = 10_000, since = 0) =>
        new Promise<PlaygroundEvent>((resolve, reject) => {
          const check = () => {
            const found = events.slice(since).find(predicate);
            if (!found) return false;
            listeners.delete(check);
            clearTimeout(timer);
            resolve(found);
            return true;
          };
          const timer = setTimeout(() => {
            listeners.delete(check);
            const seen = events.slice(since).map((e) => `${e.action}:${e.message?.text ?? '(card)'}`);
            reject(
              new Error(
                `no matching Playground event within ${timeoutMs} ms; saw: ${seen.join(' | ') || 'nothing'}`,
              ),
            );
          }, timeoutMs);
          if (!check()) listeners.add(check);
        }),
      close: () =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.close();
        }),
    };
  }

  private async request(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`Playground ${method} ${path} -> ${response.status}: ${text}`);
    return text ? JSON.parse(text) : undefined;
  }
}

/** Event predicates for waitFor. */
export const isCreate = (conversationId: string) => (e: PlaygroundEvent) =>
  e.action === 'createMessage' && e.actionConversationId === conversationId;
export const isUpdateOf = (messageId: string) => (e: PlaygroundEvent) =>
  e.action === 'updateMessage' && e.message?.messageId === messageId;
