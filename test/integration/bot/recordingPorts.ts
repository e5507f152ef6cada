import type {
  ActionHandler,
  BotReply,
  CommandRequest,
  ConversationRef,
  ConversationStore,
  Log,
  RepInput,
  RepSeen,
  RepUpdate,
  SubmitRequest,
  SummaryChannelInput,
} from '../../../bot';

/**
 * Recording fakes of the bot's ports, for the bot tests only: the real ConversationStore (storage on
 * Azurite) and the real ActionHandler replace them once they are wired.
 */
export class RecordingStore implements ConversationStore {
  /** The references are the bot's own ConversationRef shape. */
  readonly reps = new Map<string, RepInput & { reference: ConversationRef }>();
  readonly removed: string[] = [];
  readonly serviceUrlRefreshes: { userId: string; serviceUrl: string }[] = [];
  readonly summaryChannels: (SummaryChannelInput & { reference: ConversationRef })[] = [];

  async saveRep(rep: RepInput): Promise<void> {
    this.reps.set(rep.userId, rep as RepInput & { reference: ConversationRef });
  }
  async removeRep(userId: string): Promise<void> {
    this.reps.delete(userId);
    this.removed.push(userId);
  }
  async learnFromActivity(userId: string, { serviceUrl }: RepSeen): Promise<RepUpdate> {
    if (serviceUrl) this.serviceUrlRefreshes.push({ userId, serviceUrl });
    return this.reps.has(userId) ? 'unchanged' : 'no_rep';
  }
  async setSummaryChannel(channel: SummaryChannelInput): Promise<void> {
    this.summaryChannels.push(channel as SummaryChannelInput & { reference: ConversationRef });
  }
  async clearSummaryChannelOf(teamId: string): Promise<boolean> {
    const current = this.summaryChannels.at(-1);
    if (!current || current.teamId !== teamId) return false;
    this.summaryChannels.length = 0;
    return true;
  }
  async setSummaryChannelIfNone(channel: SummaryChannelInput): Promise<boolean> {
    if (this.summaryChannels.length > 0) return false;
    await this.setSummaryChannel(channel);
    return true;
  }
}

export const HELP_TEXT = 'Commands: help, list, undo, summary.';

/** Answers commands with fixed text or a card, and submits with a card that says what was done. */
export class RecordingActions implements ActionHandler {
  readonly commands: CommandRequest[] = [];
  readonly submits: SubmitRequest[] = [];

  async command(request: CommandRequest): Promise<BotReply> {
    this.commands.push(request);
    if (request.command === 'list') return { cards: [listCard()] };
    if (request.command === 'help') {
      return {
        text: request.unrecognised ? `I did not get "${request.unrecognised}". ${HELP_TEXT}` : HELP_TEXT,
      };
    }
    return { text: `${request.command}: nothing yet` };
  }

  async submit(request: SubmitRequest): Promise<BotReply> {
    this.submits.push(request);
    return { updateCard: doneCard(`${String(request.value.action)} by ${request.actor.name}`) };
  }
}

function listCard(): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ type: 'TextBlock', text: 'Greenfield Cafe: no order in 34 days' }],
    actions: [
      { type: 'Action.Submit', title: 'Reached out', data: { action: 'reached_out', customerId: 'C-1' } },
    ],
  };
}

function doneCard(text: string): Record<string, unknown> {
  return { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text }] };
}

/** A log that keeps what the bot reported, so tests can show it when they fail. */
export class MemoryLog implements Log {
  readonly lines: string[] = [];
  info(message: string, details?: Record<string, unknown>): void {
    this.lines.push(`info ${message} ${JSON.stringify(details ?? {})}`);
  }
  warn(message: string, details?: Record<string, unknown>): void {
    this.lines.push(`warn ${message} ${JSON.stringify(details ?? {})}`);
  }
  error(message: string, details?: Record<string, unknown>): void {
    this.lines.push(`error ${message} ${JSON.stringify(details ?? {})}`);
  }
}

/** Polls until check() returns a value (not undefined), or fails after timeoutMs. */
export async function eventually<T>(
  check: () => T | undefined,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
