import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { odata, type TableClient } from '@azure/data-tables';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { z } from 'zod';
import { digestCardDataSchema } from '../cards/digestCardData';
import type { RepCardData } from '../cards/renderCard';
import { weeklyCardDataSchema } from '../cards/weeklyCardData';
import type { Config } from '../functions/config';
import { dayOfDailyRunKey } from '../jobs/schedule/dailyRunDue';
import { mondayOfWeeklyRunKey } from '../jobs/schedule/weeklyRunDue';
import { ConflictError, naming, statusOf } from './errors';
import { boundedId, idKey } from './keys';
import {
  createTableClient,
  DEFAULT_RETRY,
  endpointOf,
  ensureTable,
  type PolicyConfig,
  type RetrySettings,
  readEntity,
  tableName,
} from './tableClients';

/**
 * What the bot remembers between taps, in one table:
 * - per sent card (PartitionKey `c_<conversation id>`, RowKey `m_<Teams message id>`): the WeeklyCardData it was
 *   rendered from, so a tap can set one customer's outcome and re-render the card in place;
 * - per sent card of a weekly or daily run, beside it (RowKey `w_<the run's day>_<message id>`, the
 *   weekly run's day its Monday): a copy of the card row, written in one transaction with it on every
 *   save and change, so this week's cards are one RowKey range however many weeks the chat holds
 *   (cardsFrom), where a filter on the card's run key makes the service read every card of the chat.
 *   A card saved before these copies were written is still read by its message id, and gets its copy
 *   at its next change; until then a refresh does not find it;
 * - per user (PartitionKey `u_<user id>`, RowKey `recent`): their latest actions, newest first, so
 *   the `undo` command finds "my last action" without scanning the audit trail.
 * - per conversation (PartitionKey `c_<conversation id>`, RowKey `delivered`): the ids of the latest
 *   messages that acted there (`list`, `summary`, `undo`, a next-page tap), so a message Teams delivers
 *   again posts nothing twice, whichever instance it reaches; `claimedBy` marks the claim that last
 *   wrote it. An id alone is answered; an id with a lease in `leases` (its holder and until when,
 *   claimWork) is being worked out. The ids stay a plain list in `activityIds`, as before leases, so
 *   a version without them (a rollback, an instance not yet updated) still reads the row, and takes
 *   a message being worked out for one answered, as it always did.
 *
 * A string property holds at most 64 KiB and an entity 1 MiB: the card JSON is gzipped and split
 * into binary properties `p0..pN` of at most CHUNK_BYTES each.
 */

const RECENT_ROW = 'recent';
const DELIVERED_ROW = 'delivered';
/** Below the 64 KiB limit of one binary property. */
export const CHUNK_BYTES = 60_000;
/** 14 chunks of 60,000 bytes stay under the 1 MiB entity limit with the other columns. */
export const MAX_CHUNKS = 14;
/** Longest message id accepted (Teams ids are short; a forged longer one is simply not found). */
const MAX_MESSAGE_ID = 1000;
/** How many recent actions are kept per user. */
export const RECENT_ACTIONS_KEPT = 20;
/**
 * How many delivered message ids are kept per conversation: one row per conversation, which never
 * grows. Teams delivers a message again within seconds of the first (after its 15-second wait, and
 * on the next failure); a rep sends nowhere near this many commands in a conversation in that time.
 */
export const DELIVERIES_KEPT = 20;
/** Longest activity id kept as it is; a longer (forged) one is kept as its SHA-256. */
const MAX_ACTIVITY_ID = 200;

/**
 * What claimWork found: the work is this caller's (`claimed`, or `resumed` after a holder whose lease
 * ran out), still another's until `until` (ms), or answered.
 */
export type WorkClaim =
  | { outcome: 'claimed' | 'resumed'; holder: string }
  | { outcome: 'working'; until: number }
  | { outcome: 'answered' };

/** One claimed message: its id alone once answered; with its holder and lease while being worked on. */
type DeliveredEntry = string | { id: string; holder: string; until: number };

const entryId = (e: DeliveredEntry) => (typeof e === 'string' ? e : e.id);

/** A card as sent to a rep, and the data it was rendered from. */
export interface SentCard {
  messageId: string;
  /** The rep's Teams user id (AAD object id). */
  repUserId: string;
  /**
   * The conversation the card was posted in. Part of the key: Teams message ids are unique only
   * within a conversation, and a tap from another conversation must not find this card.
   */
  conversationId: string;
  /** The weekly card's or the daily digest's data. */
  data: RepCardData;
  /**
   * When the card was sent and its data first saved (ISO 8601). A tap or a refresh changing the data
   * keeps it, so the cards refreshed first after a tap are the newest sent, not the last touched.
   */
  savedAt: string;
}

/** One of a user's recent actions: enough to fetch its audit row. */
export interface RecentAction {
  customerId: string;
  rowId: string;
}

/** The card data and recent-action memory of the bot. */
export interface CardStore {
  /** Stores (or replaces) a sent card's data. */
  save(card: SentCard): Promise<void>;
  /** A sent card, or null when unknown in that conversation. */
  get(conversationId: string, messageId: string): Promise<SentCard | null>;
  /**
   * The card a run saved in that conversation, or null: how a run finds out that a send whose
   * ledger row is missing did reach the rep.
   */
  findRunCard(conversationId: string, runKey: string): Promise<SentCard | null>;
  /**
   * The cards saved in a conversation from the given runs on: weekly cards (and `list` cards, which
   * carry the week's run key) from `weeklyFrom`, digests from `dailyFrom` (run keys sort by date).
   */
  cardsFrom(conversationId: string, from: { weeklyFrom: string; dailyFrom: string }): Promise<SentCard[]>;
  /** Read, change, write with the ETag (re-read on a lost race); `change` returning null writes nothing. */
  update(
    conversationId: string,
    messageId: string,
    change: (card: SentCard) => SentCard | null,
    options?: { maxAttempts?: number },
  ): Promise<SentCard | null>;
  /**
   * Marks a message of the conversation as acted on: true the first time, false when it was already
   * (Teams delivered it again). The oldest ids fall off (DELIVERIES_KEPT).
   */
  claimDelivery(conversationId: string, activityId: string): Promise<boolean>;
  /**
   * Claims a message whose work may be cut short (a crash, an instance recycled) for `leaseMs` from
   * `now`: a delivery of it again while the lease runs finds it `working`, after its answer
   * `answered`; after a lease that ran out with no answer the delivery takes the work over
   * (`resumed`), and the first worker's renewals and finish then fail, so it sends nothing.
   */
  claimWork(
    conversationId: string,
    activityId: string,
    options: { now: number; leaseMs: number },
  ): Promise<WorkClaim>;
  /** Moves a claim's lease to `until` (ms); false when the claim is no longer the holder's (taken over, or answered). */
  renewWork(conversationId: string, activityId: string, holder: string, until: number): Promise<boolean>;
  /** Marks the claimed message answered; false when it is no longer the holder's: the holder must then send nothing. */
  finishWork(conversationId: string, activityId: string, holder: string): Promise<boolean>;
  /** Puts an action first in the user's recent list (once; the oldest fall off). */
  pushRecentAction(userId: string, action: RecentAction): Promise<void>;
  /** The user's recent actions, newest first. */
  recentActions(userId: string): Promise<RecentAction[]>;
}

const payloadSchema = z.object({
  repUserId: z.string().min(1).max(400),
  conversationId: z.string().min(1).max(2000),
  data: z.union([digestCardDataSchema, weeklyCardDataSchema]),
  savedAt: z.iso.datetime({ offset: true }),
});

const recentSchema = z
  .array(z.object({ customerId: z.string().min(1).max(400), rowId: z.string().min(1).max(400) }))
  .max(RECENT_ACTIONS_KEPT);

const leaseSchema = z.object({
  id: z.string().min(1).max(MAX_ACTIVITY_ID),
  holder: z.string().min(1).max(100),
  until: z.number().int().nonnegative(),
});
const leasesSchema = z.array(leaseSchema).max(DELIVERIES_KEPT);
const deliveredSchema = z.array(z.string().min(1).max(MAX_ACTIVITY_ID)).max(DELIVERIES_KEPT);

/** The card row's columns: the gzipped JSON split into binary chunks. */
export function encodeCard(card: SentCard): Record<string, string | number | Uint8Array> {
  const payload = payloadSchema.parse({
    repUserId: card.repUserId,
    conversationId: card.conversationId,
    data: card.data,
    savedAt: card.savedAt,
  });
  const zipped = gzipSync(Buffer.from(JSON.stringify(payload), 'utf8'));
  const parts = Math.ceil(zipped.length / CHUNK_BYTES);
  if (parts > MAX_CHUNKS) {
    throw new Error(
      `Card data for message ${card.messageId} is ${zipped.length} bytes gzipped; at most ${MAX_CHUNKS * CHUNK_BYTES} fit one row`,
    );
  }
  // The run key is a column of its own so findRunCard can ask for it without unzipping every card.
  const columns: Record<string, string | number | Uint8Array> = {
    messageId: card.messageId,
    runKey: card.data.runKey,
    parts,
  };
  for (let i = 0; i < parts; i++) {
    columns[`p${i}`] = new Uint8Array(zipped.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES));
  }
  return columns;
}

/** Reassembles a card row; throws naming the message when it is malformed. */
export function decodeCard(entity: Record<string, unknown>): SentCard {
  const messageId = String(entity.messageId ?? '');
  const parts = Number(entity.parts);
  if (!Number.isInteger(parts) || parts < 1 || parts > MAX_CHUNKS) {
    throw new Error(`Card row for message ${messageId} has a bad part count: ${String(entity.parts)}`);
  }
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < parts; i++) {
    const chunk = entity[`p${i}`];
    if (!(chunk instanceof Uint8Array)) throw new Error(`Card row for message ${messageId} lacks part p${i}`);
    chunks.push(chunk);
  }
  const json = gunzipSync(Buffer.concat(chunks)).toString('utf8');
  const parsed = payloadSchema.safeParse(JSON.parse(json));
  if (!parsed.success) {
    throw new Error(`Card row for message ${messageId} is malformed: ${z.prettifyError(parsed.error)}`);
  }
  return { messageId, ...parsed.data };
}

/** Table Storage implementation of CardStore. */
export class TableCardStore implements CardStore {
  private readonly endpoint: string;

  constructor(private readonly client: TableClient) {
    this.endpoint = endpointOf(client);
  }

  async save(card: SentCard): Promise<void> {
    const entity = { ...cardKeys(card.conversationId, card.messageId), ...encodeCard(card) };
    const copy = runDayCopy(entity, card);
    await naming(this.endpoint, async () => {
      if (!copy) await this.client.upsertEntity(entity, 'Replace');
      else
        await this.client.submitTransaction([
          ['upsert', entity, 'Replace'],
          ['upsert', copy, 'Replace'],
        ]);
    });
  }

  async get(conversationId: string, messageId: string): Promise<SentCard | null> {
    return (await this.getWithEtag(conversationId, messageId))?.card ?? null;
  }

  async findRunCard(conversationId: string, runKey: string): Promise<SentCard | null> {
    if (conversationId.length === 0) return null;
    const filter = odata`PartitionKey eq ${`c_${idKey(conversationId)}`} and runKey eq ${runKey}`;
    return naming(this.endpoint, async () => {
      for await (const entity of this.client.listEntities({ queryOptions: { filter } }))
        return decodeCard(entity);
      return null;
    });
  }

  async cardsFrom(
    conversationId: string,
    { weeklyFrom, dailyFrom }: { weeklyFrom: string; dailyFrom: string },
  ): Promise<SentCard[]> {
    if (conversationId.length === 0) return [];
    const days = [runDayOf(weeklyFrom), runDayOf(dailyFrom)].filter((d): d is string => d !== null).sort();
    if (days.length === 0) return [];
    // One RowKey range: the copies from the earlier day on (`~` sorts after every digit).
    const filter = odata`PartitionKey eq ${`c_${idKey(conversationId)}`} and RowKey ge ${`${RUN_DAY_PREFIX}${days[0]}`} and RowKey lt ${`${RUN_DAY_PREFIX}~`}`;
    // The run keys sort by date within a kind; the range may hold the other kind's earlier days.
    const from = (key: string) =>
      key.startsWith('weekly-') ? key >= weeklyFrom : key.startsWith('daily-') && key >= dailyFrom;
    return naming(this.endpoint, async () => {
      const cards: SentCard[] = [];
      for await (const entity of this.client.listEntities({ queryOptions: { filter } })) {
        const card = decodeCard(entity);
        if (from(card.data.runKey)) cards.push(card);
      }
      return cards;
    });
  }

  async update(
    conversationId: string,
    messageId: string,
    change: (card: SentCard) => SentCard | null,
    options: { maxAttempts?: number } = {},
  ): Promise<SentCard | null> {
    const { maxAttempts = 5 } = options;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const current = await this.getWithEtag(conversationId, messageId);
      if (!current) return null;
      const next = change(current.card);
      if (next === null) return current.card;
      const entity = { ...cardKeys(conversationId, messageId), ...encodeCard(next) };
      const copy = runDayCopy(entity, next);
      try {
        // The copy in the same transaction: it never tells another story than the card.
        await naming(this.endpoint, async () => {
          const etag = { etag: current.etag };
          if (!copy) await this.client.updateEntity(entity, 'Replace', etag);
          else
            await this.client.submitTransaction([
              ['update', entity, 'Replace', etag],
              ['upsert', copy, 'Replace'],
            ]);
        });
        return next;
      } catch (err) {
        if (statusOf(err) !== 412) throw err; // 412: another tap on the same card saved first; redo on its result
      }
    }
    throw new ConflictError(`card ${JSON.stringify(messageId)}`, maxAttempts);
  }

  async pushRecentAction(userId: string, action: RecentAction, maxAttempts = 8): Promise<void> {
    await this.changeListRow(
      { partitionKey: `u_${idKey(userId)}`, rowKey: RECENT_ROW },
      recentList(userId),
      // Parallel taps of one button all push the same row: after the first write the rest find it
      // on top and have nothing to write (they would otherwise keep losing the ETag race to each other).
      (before) =>
        before[0]?.rowId === action.rowId
          ? null
          : [action, ...before.filter((a) => a.rowId !== action.rowId)].slice(0, RECENT_ACTIONS_KEPT),
      `the recent actions of ${JSON.stringify(userId)}`,
      maxAttempts,
    );
  }

  async claimDelivery(conversationId: string, activityId: string, maxAttempts = 8): Promise<boolean> {
    const id = this.deliveryId(conversationId, activityId);
    // The write that claims is marked as this call's: when its answer is lost after the service wrote
    // it (a try past its time limit, a dropped connection), the SDK sends it again and meets the id
    // already there, which without the mark would read as Teams delivering the message again, and the
    // rep's message would go unanswered.
    const claim = randomUUID();
    let ours = false;
    const wrote = await this.changeDelivered(
      conversationId,
      claim,
      (before, row) => {
        if (!before.some((e) => entryId(e) === id)) return [id, ...before].slice(0, DELIVERIES_KEPT);
        ours = row?.claimedBy === claim;
        return null;
      },
      maxAttempts,
    );
    return wrote || ours;
  }

  async claimWork(
    conversationId: string,
    activityId: string,
    { now, leaseMs }: { now: number; leaseMs: number },
    maxAttempts = 8,
  ): Promise<WorkClaim> {
    const id = this.deliveryId(conversationId, activityId);
    // The holder doubles as the write's mark: a write whose answer was lost and that the SDK sent
    // again finds its own holder in the row (as claimDelivery's claimedBy).
    const holder = randomUUID();
    let found: WorkClaim = { outcome: 'answered' };
    await this.changeDelivered(
      conversationId,
      holder,
      (before) => {
        const entry = before.find((e) => entryId(e) === id);
        const claimed = { id, holder, until: now + leaseMs };
        if (entry === undefined) {
          found = { outcome: 'claimed', holder };
          return [claimed, ...before].slice(0, DELIVERIES_KEPT);
        }
        if (typeof entry === 'string') found = { outcome: 'answered' };
        else if (entry.holder === holder) found = { outcome: 'claimed', holder };
        else if (entry.until > now) found = { outcome: 'working', until: entry.until };
        else {
          found = { outcome: 'resumed', holder };
          return before.map((e) => (e === entry ? claimed : e));
        }
        return null;
      },
      maxAttempts,
    );
    return found;
  }

  async renewWork(
    conversationId: string,
    activityId: string,
    holder: string,
    until: number,
  ): Promise<boolean> {
    return this.changeHeld(conversationId, activityId, holder, (entry) => ({ ...entry, until }));
  }

  async finishWork(conversationId: string, activityId: string, holder: string): Promise<boolean> {
    return this.changeHeld(conversationId, activityId, holder, (entry) => entry.id);
  }

  /** Changes a claim still held by `holder`; false when it is not (taken over, answered, fallen off). */
  private async changeHeld(
    conversationId: string,
    activityId: string,
    holder: string,
    change: (entry: Exclude<DeliveredEntry, string>) => DeliveredEntry,
    maxAttempts = 8,
  ): Promise<boolean> {
    const id = this.deliveryId(conversationId, activityId);
    let held = false;
    await this.changeDelivered(
      conversationId,
      holder,
      (before, row) => {
        const entry = before.find((e) => entryId(e) === id);
        // Our own finish whose answer was lost, found by the SDK's resend: still ours.
        held = typeof entry === 'string' && row?.claimedBy === holder;
        if (typeof entry !== 'object' || entry.holder !== holder) return null;
        held = true;
        return before.map((e) => (e === entry ? change(entry) : e));
      },
      maxAttempts,
    );
    return held;
  }

  private deliveryId(conversationId: string, activityId: string): string {
    if (conversationId.length === 0 || activityId.length === 0)
      throw new Error('A delivery needs its conversation and activity ids');
    return boundedId(activityId, MAX_ACTIVITY_ID);
  }

  private changeDelivered(
    conversationId: string,
    claim: string,
    change: (before: DeliveredEntry[], row: Record<string, unknown> | null) => DeliveredEntry[] | null,
    maxAttempts: number,
  ): Promise<boolean> {
    return this.changeListRow(
      { partitionKey: `c_${idKey(conversationId)}`, rowKey: DELIVERED_ROW },
      deliveredList(claim),
      change,
      `the delivered messages of ${JSON.stringify(conversationId)}`,
      maxAttempts,
    );
  }

  /**
   * Read, change and write one small list row with its ETag, re-read when a rival wrote first (after
   * a short random wait). True when `change` wrote, false when it had nothing to write.
   */
  private async changeListRow<T>(
    keys: { partitionKey: string; rowKey: string },
    list: ListRow<T>,
    /** Given the list and the row it was read from (null when there is none yet). */
    change: (before: T[], row: Record<string, unknown> | null) => T[] | null,
    what: string,
    maxAttempts: number,
  ): Promise<boolean> {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await jitter(attempt);
      const current = await this.getEntity(keys.partitionKey, keys.rowKey);
      const next = change(current ? list.read(current) : [], current);
      if (next === null) return false;
      const entity = { ...keys, ...list.columns(next) };
      try {
        await naming(this.endpoint, () =>
          current
            ? this.client.updateEntity(entity, 'Replace', { etag: String(current.etag) })
            : this.client.createEntity(entity),
        );
        return true;
      } catch (err) {
        // 412/409: a rival wrote first; change what it wrote.
        const status = statusOf(err);
        if (status !== 412 && status !== 409) throw err;
      }
    }
    throw new ConflictError(what, maxAttempts);
  }

  async recentActions(userId: string): Promise<RecentAction[]> {
    const entity = await this.getEntity(`u_${idKey(userId)}`, RECENT_ROW);
    return entity ? recentList(userId).read(entity) : [];
  }

  private async getWithEtag(
    conversationId: string,
    messageId: string,
  ): Promise<{ card: SentCard; etag: string } | null> {
    if (messageId.length === 0 || messageId.length > MAX_MESSAGE_ID || conversationId.length === 0)
      return null;
    const { partitionKey, rowKey } = cardKeys(conversationId, messageId);
    const entity = await this.getEntity(partitionKey, rowKey);
    return entity ? { card: decodeCard(entity), etag: String(entity.etag) } : null;
  }

  private async getEntity(partitionKey: string, rowKey: string): Promise<Record<string, unknown> | null> {
    return naming(this.endpoint, () => readEntity(this.client, partitionKey, rowKey));
  }
}

/** RowKey prefix of a sent card's copy keyed by its run's day (see the table's description above). */
const RUN_DAY_PREFIX = 'w_';

/** The card row's copy under its run's day, or null for a card of no weekly or daily run. */
function runDayCopy<T extends { partitionKey: string }>(
  entity: T,
  card: SentCard,
): (T & { rowKey: string }) | null {
  const day = runDayOf(card.data.runKey);
  return day === null ? null : { ...entity, rowKey: `${RUN_DAY_PREFIX}${day}_${idKey(card.messageId)}` };
}

/**
 * The day a run key is of (`YYYY-MM-DD`): a weekly run's Monday, a daily run's day; null for another
 * key (no copy: no refresh looks for it).
 */
function runDayOf(runKey: string): string | null {
  if (runKey.startsWith('daily-')) {
    const day = dayOfDailyRunKey(runKey);
    return /^\d{4}-\d{2}-\d{2}$/.test(day) ? day : null;
  }
  return mondayOfWeeklyRunKey(runKey);
}

/** One partition per conversation, one row per message: Teams message ids repeat across conversations. */
function cardKeys(conversationId: string, messageId: string): { partitionKey: string; rowKey: string } {
  if (messageId.length === 0 || messageId.length > MAX_MESSAGE_ID) {
    throw new Error(`Not a Teams message id (1 to ${MAX_MESSAGE_ID} characters): ${messageId.slice(0, 80)}`);
  }
  if (conversationId.length === 0) throw new Error('A sent card needs the conversation it was posted in');
  return { partitionKey: `c_${idKey(conversationId)}`, rowKey: `m_${idKey(messageId)}` };
}

/** A row holding one JSON list: how it is read back (throwing on a malformed one) and written. */
interface ListRow<T> {
  read(entity: Record<string, unknown>): T[];
  columns(list: T[]): Record<string, string>;
}

function listRow<T>(
  label: string,
  column: string,
  schema: z.ZodType<T[]>,
  extra: Record<string, string> = {},
): ListRow<T> {
  return {
    read(entity) {
      const parsed = schema.safeParse(JSON.parse(String(entity[column] ?? '[]')));
      if (!parsed.success) {
        throw new Error(
          `${label} row ${String(entity.partitionKey)} is malformed: ${z.prettifyError(parsed.error)}`,
        );
      }
      return parsed.data;
    },
    columns: (list) => ({ ...extra, [column]: JSON.stringify(list) }),
  };
}

const recentList = (userId: string) =>
  listRow<RecentAction>('Recent actions', 'actions', recentSchema, {
    userId,
  });
/**
 * `claimedBy`: the claim that last wrote the row (claimDelivery). The ids in `activityIds`, the leases
 * of those being worked out in `leases`.
 */
const deliveredList = (claim: string): ListRow<DeliveredEntry> => {
  const ids = listRow<string>('Delivered messages', 'activityIds', deliveredSchema);
  const leases = listRow('Delivered messages', 'leases', leasesSchema);
  return {
    read(entity) {
      const leased = new Map(leases.read(entity).map((l) => [l.id, l]));
      return ids.read(entity).map((id) => leased.get(id) ?? id);
    },
    columns: (list) => ({
      claimedBy: claim,
      ...ids.columns(list.map(entryId)),
      ...leases.columns(list.filter((e) => typeof e !== 'string')),
    }),
  };
};

/** Saves what the weekly run or the daily follow-ups just sent, so taps on that card can update it in place. */
export async function saveSentCard(
  store: CardStore,
  messageId: string,
  repUserId: string,
  data: RepCardData,
  options: { conversationId: string; now?: Date },
): Promise<void> {
  await store.save({
    messageId,
    repUserId,
    conversationId: options.conversationId,
    data,
    savedAt: (options.now ?? new Date()).toISOString(),
  });
}

export interface OpenCardStoreOptions {
  retry?: Partial<RetrySettings>;
  policies?: PolicyConfig[];
  credential?: TokenCredential;
  skipCreate?: boolean;
}

/** The card table's name for a prefix (next to the tables openStorage creates). */
export function cardTableName(tablePrefix: string): string {
  return tableName(tablePrefix, 'Cards');
}

/** Opens the card store from the storage config, creating its table when missing. */
export async function openCardStore(
  config: Config['storage'],
  options: OpenCardStoreOptions = {},
): Promise<TableCardStore> {
  const client = createTableClient(
    {
      storage: config,
      retry: { ...DEFAULT_RETRY, ...options.retry },
      policies: options.policies ?? [],
      credential: options.credential ?? (config.tableEndpoint ? new DefaultAzureCredential() : undefined),
    },
    cardTableName(config.tablePrefix),
  );
  if (!options.skipCreate) await ensureTable(client);
  return new TableCardStore(client);
}

/** A short random wait before retrying a lost ETag race, so rival writers stop colliding in step. */
function jitter(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(200, 10 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
