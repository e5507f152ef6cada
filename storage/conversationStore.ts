import { odata, type TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { addressKey, repAddresses } from '../rules/addresses';
import { isTimeZone, timeZoneSchema } from '../rules/calendar';
import { ConflictError, naming, statusOf } from './errors';
import { decodeKey, idKey, isHashedKey } from './keys';
import { endpointOf, readEntity } from './tableClients';

/**
 * Conversation references, in one table:
 * - partition `rep`: RowKey = Teams user id (AAD object id), the rep and their 1:1 reference; once they
 *   remove the app, the same row marked removed (who, when, their zone and addresses). The row keeps
 *   `eventAt`, when Teams sent the install or uninstall that decided it, and every change of it is
 *   guarded by its ETag: of an uninstall and a reinstall handled at once (two instances, or Teams
 *   delivering one late), the later one Teams sent stands, whichever is written last;
 * - partition `email`: RowKey = lower-case email/UPN, pointing at the user id (the feed's `owner`);
 *   only an installed rep's row counts, so an uninstall leaves it in place;
 * - partition `channel`: RowKey `summary`, where the monthly summary goes;
 * - partition `removed`: RowKey = lower-case email/UPN of a rep who uninstalled the app: who, when,
 *   and their zone, so the admins are told who removed it and a reinstall keeps the rep's zone; it
 *   counts only while the rep's own row says removed.
 * The reference is kept as JSON, so nothing here depends on botbuilder's types.
 */

const REP = 'rep';
const EMAIL = 'email';
const CHANNEL = 'channel';
const REMOVED = 'removed';
const SUMMARY = 'summary';

/** Longest display name kept: Teams' are far shorter, and the row must not refuse a longer one. */
const MAX_NAME_CHARS = 1000;

const jsonObject = z.record(z.string(), z.unknown());

const repSchema = z.object({
  /** The user's AAD object id: the key everywhere (Teams user id). */
  userId: z.string().min(1).max(400),
  /** The Bot Framework channel account id (`29:...` in Teams), for roster calls. */
  channelAccountId: z.string().max(400).optional(),
  name: z.string().max(MAX_NAME_CHARS),
  /** Email, else UPN, from the roster; an install that carried neither is stored as '' and never found by email. */
  email: z
    .string()
    .max(400)
    .nullable()
    .transform((e) => addressKey(e ?? '')),
  /**
   * The rep's sign-in name (UPN) from the roster when it is not their email: the tabs know a rep by it,
   * and a feed may name the rep by either, so both find them. '' when none or the same as the email.
   */
  upn: z
    .string()
    .max(400)
    .nullish()
    .transform((u) => addressKey(u ?? '')),
  tenantId: z.string().max(400),
  serviceUrl: z.url(),
  /** The bot's ConversationReference for the 1:1 chat, as plain JSON. */
  reference: jsonObject,
  /** Where name and email came from: the Teams roster, or only what the install activity carried. */
  source: z.enum(['roster', 'activity']).optional(),
  /**
   * The rep's own IANA zone, as their Teams client last sent it (an activity's `localTimezone`; the
   * install carries none): their weekly card comes at the send time there. None: the team's zone.
   */
  timeZone: timeZoneSchema.optional(),
  /**
   * When Teams sent the install that stored this row (the activity's timestamp): an uninstall Teams
   * sent after it, handled first, stands, and a week's run tells a rep back since it missed them.
   * None: stored otherwise (a seed, a tool), which claims no order against Teams' events.
   */
  installedAt: z.iso.datetime({ offset: true }).optional(),
});
export type Rep = z.output<typeof repSchema>;
export type RepInput = z.input<typeof repSchema>;
/** What a rep's client sends with an activity: where to reach them, their display name, their IANA zone. */
export interface RepSeen {
  serviceUrl?: string;
  name?: string;
  timeZone?: string;
}
/** What an update of a stored rep did: wrote it, found nothing to change, or found no rep. */
export type RepUpdate = 'written' | 'unchanged' | 'no_rep';

const channelSchema = z.object({
  teamId: z.string().max(400).optional(),
  teamName: z.string().max(1000).nullable().optional(),
  /** The channel's conversation id; the General channel's id equals the team id. */
  channelId: z.string().min(1).max(400),
  tenantId: z.string().max(400),
  serviceUrl: z.url(),
  /** Reference to the channel itself (not a reply thread), for a new post. */
  reference: jsonObject,
  /** Who put it there: 'install' (General by default) or the user id who typed `summary here`. */
  setBy: z.string().max(400).optional(),
});
export type SummaryChannel = z.output<typeof channelSchema>;
export type SummaryChannelInput = z.input<typeof channelSchema>;

const storedRep = z.object({
  userId: z.string(),
  channelAccountId: z.string().optional(),
  source: z.enum(['roster', 'activity']).optional(),
  // A zone this runtime's zone database no longer knows is read as none (the team's), not as a broken row.
  timeZone: z
    .string()
    .optional()
    .transform((tz) => (tz !== undefined && isTimeZone(tz) ? tz : undefined)),
  name: z.string(),
  email: z.string(),
  upn: z.string().optional(),
  tenantId: z.string(),
  serviceUrl: z.string(),
  reference: z.string(),
  eventAt: z.string().optional(),
});

/** A rep who uninstalled the app in their personal chat: when, and the zone their client last sent. */
const removedSchema = z.object({
  userId: z.string(),
  name: z.string(),
  removedAt: z.iso.datetime({ offset: true }),
  timeZone: z
    .string()
    .optional()
    .transform((tz) => (tz !== undefined && isTimeZone(tz) ? tz : undefined)),
});
export type RemovedRep = z.output<typeof removedSchema>;

/** A rep a removal was kept for (listRemoved): who, their name then, and the addresses it was kept under. */
export interface KeptRemoval {
  userId: string;
  name: string;
  addresses: string[];
}

/** A rep's row once they removed the app: who, when, and the zone and addresses a reinstall keeps. */
const storedRemovedRep = removedSchema.extend({
  email: z.string().default(''),
  upn: z.string().default(''),
});
type RemovedRow = z.output<typeof storedRemovedRep>;

/** When Teams sent an install or uninstall (the activity's timestamp). */
const eventTime = z.iso.datetime({ offset: true });

/** A rep's row as read, with the ETag a change must match and the time of the event that decided it (none: stored otherwise). */
type RepRow = { etag: string; eventAt: string | undefined } & (
  | { kind: 'installed'; rep: Rep }
  | { kind: 'removed'; removed: RemovedRow }
);

/** True when the row was decided by an event Teams sent after `at`: the older event changes nothing. */
function decidedLater(row: RepRow | null, at: string | undefined): boolean {
  return row?.eventAt !== undefined && at !== undefined && Date.parse(row.eventAt) > Date.parse(at);
}

/** How many times a rep's row is re-read and decided again when another instance changed it meanwhile. */
const REP_ROW_ATTEMPTS = 3;

// Kept in rules/addresses (pure): the weekly plan, which `score` runs, needs it without Table Storage's clients.
export { repAddresses };

/** The conversation id a stored reference names, or null. */
export function conversationIdOf(reference: Record<string, unknown>): string | null {
  const conversation = reference.conversation as { id?: unknown } | undefined;
  return typeof conversation?.id === 'string' ? conversation.id : null;
}

/** Where to reach each rep and the team. */
export interface ConversationStore {
  /**
   * Stores or replaces a rep (and their email index row; an old email's row is removed). A row an
   * uninstall or install Teams sent after the rep's `installedAt` decided is kept (null is returned
   * when that was an uninstall); without `installedAt` (a seed, a tool) the rep is stored whatever came before.
   */
  saveRep(rep: RepInput): Promise<Rep | null>;
  getRep(userId: string): Promise<Rep | null>;
  /** The rep whose email/UPN this is (case-insensitive), or null. */
  getRepByEmail(email: string): Promise<Rep | null>;
  listReps(): Promise<Rep[]>;
  /**
   * Marks the rep removed, keeping under their addresses that they removed the app at `removedAt`
   * (when Teams sent the uninstall; their zone with it); removing one that is not there is fine, and
   * an install Teams sent after `removedAt` stands.
   */
  removeRep(userId: string, removedAt: string): Promise<void>;
  /** The rep who last uninstalled the app under this email/UPN (case-insensitive) and has not installed it again, or null. */
  getRemoved(email: string): Promise<RemovedRep | null>;
  /**
   * Every rep a removal was kept for, once each: the name Teams gave them when they last removed the
   * app and the addresses it was kept under. A rep who added the app back under another address is
   * listed too, by that old one: rows from before still name it.
   */
  listRemoved(): Promise<KeptRemoval[]>;
  /** Records a new serviceUrl (also inside the reference); returns whether anything changed. */
  refreshServiceUrl(userId: string, serviceUrl: string): Promise<boolean>;
  /**
   * Records what a rep's client sends with every activity, each when new or changed (as
   * refreshServiceUrl, learnTimeZone and learnName), in one read of the rep's row and at most one
   * write: `written`, `unchanged`, or `no_rep`. A zone that is no IANA zone, or a serviceUrl that is
   * no URL, throws.
   */
  learnFromActivity(userId: string, seen: RepSeen): Promise<RepUpdate>;
  /**
   * Records the rep's IANA zone when it is new or changed, and says which: `written`, `unchanged`
   * (the zone already stored), or `no_rep` (no rep stored for the user: nothing written). A name
   * that is no IANA zone throws.
   */
  learnTimeZone(userId: string, timeZone: string): Promise<RepUpdate>;
  /**
   * Records the rep's Teams display name when it changed (a rename in Teams after the install), and
   * says which, as learnTimeZone; a blank name changes nothing.
   */
  learnName(userId: string, name: string): Promise<RepUpdate>;
  /** Replaces the summary channel (an admin's `summary here`). */
  setSummaryChannel(channel: SummaryChannelInput): Promise<void>;
  /** Stores the summary channel only when none is stored yet (an install); true when it was stored. */
  setSummaryChannelIfNone(channel: SummaryChannelInput): Promise<boolean>;
  /** Forgets the summary channel when it is in this team (the app was removed from it); true when it was. */
  clearSummaryChannelOf(teamId: string): Promise<boolean>;
  getSummaryChannel(): Promise<SummaryChannel | null>;
}

/** Table Storage implementation of ConversationStore. */
export class TableConversationStore implements ConversationStore {
  private readonly endpoint: string;

  constructor(private readonly client: TableClient) {
    this.endpoint = endpointOf(client);
  }

  async saveRep(input: RepInput): Promise<Rep | null> {
    const parsed = parseOrThrow(repSchema, input, 'rep');
    const at = parsed.installedAt;
    for (let attempt = 1; attempt <= REP_ROW_ATTEMPTS; attempt++) {
      const row = await this.readRepRow(parsed.userId);
      if (decidedLater(row, at)) return row?.kind === 'installed' ? row.rep : null;
      // Only an install that stands takes its addresses from another rep.
      const installed = await this.withoutTakenAddresses(
        parsed.upn === parsed.email ? { ...parsed, upn: '' } : parsed,
      );
      const before = row?.kind === 'installed' ? row.rep : row?.removed;
      // No row at all: removed before removals were kept on it, or never installed.
      const removed = row?.kind === 'removed' ? row.removed : row ? null : await this.removedOf(installed);
      // An install carries no zone: a reinstall keeps the one the rep's client last sent, also after an uninstall.
      const zone = installed.timeZone ?? before?.timeZone ?? removed?.timeZone;
      const rep = zone === undefined ? installed : { ...installed, timeZone: zone };
      if (!(await this.writeRepRow(row, repEntity(rep)))) continue;
      for (const address of repAddresses(rep))
        await naming(this.endpoint, () =>
          this.client.upsertEntity(
            { partitionKey: EMAIL, rowKey: idKey(address), userId: rep.userId },
            'Replace',
          ),
        );
      const kept = new Set(repAddresses(rep));
      for (const address of before ? repAddresses(before) : [])
        if (!kept.has(address)) await this.deleteEmailRow(address, rep.userId);
      // Installed again: no longer one who removed the app.
      for (const address of repAddresses(rep)) await this.deleteIgnoringMissing(REMOVED, idKey(address));
      return rep;
    }
    throw new ConflictError(`rep ${JSON.stringify(parsed.userId)}`, REP_ROW_ATTEMPTS);
  }

  async getRemoved(email: string): Promise<RemovedRep | null> {
    const e = await this.getEntity(REMOVED, idKey(addressKey(email)));
    if (!e) return null;
    const removed = parseOrThrow(removedSchema, e, 'removed rep');
    // A reinstall handled beside the uninstall may find this row written after it cleared it: the
    // rep's own row says whether they are installed.
    return (await this.readRepRow(removed.userId))?.kind === 'installed' ? null : removed;
  }

  async listRemoved(): Promise<KeptRemoval[]> {
    const rows = await naming(this.endpoint, async () => {
      const out: { key: string; removed: RemovedRep }[] = [];
      const pages = this.client
        .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${REMOVED}` } })
        .byPage();
      for await (const page of pages)
        for (const e of page)
          out.push({ key: String(e.rowKey), removed: parseOrThrow(removedSchema, e, 'removed rep') });
      return out;
    });
    const byUser = new Map<string, KeptRemoval & { removedAt: string }>();
    for (const { key, removed } of rows) {
      // An address too long for a key is hashed: the rep's own row, which keeps it since they removed the app, says it.
      const addresses = isHashedKey(key) ? await this.removedAddresses(removed.userId) : [decodeKey(key)];
      const kept = byUser.get(removed.userId);
      if (!kept) byUser.set(removed.userId, { ...removed, addresses });
      else {
        kept.addresses = [...new Set([...kept.addresses, ...addresses])];
        // Removed more than once, under other addresses: the name they had the last time.
        if (Date.parse(removed.removedAt) > Date.parse(kept.removedAt))
          Object.assign(kept, { name: removed.name, removedAt: removed.removedAt });
      }
    }
    return [...byUser.values()].map(({ userId, name, addresses }) => ({ userId, name, addresses }));
  }

  /** The addresses a removed rep's own row keeps (none when they installed the app again, or it has none). */
  private async removedAddresses(userId: string): Promise<string[]> {
    const row = await this.readRepRow(userId);
    return row?.kind === 'removed' ? repAddresses(row.removed) : [];
  }

  /** The removal of this user kept under any of the rep's addresses (an older one of another account is not theirs). */
  private async removedOf(rep: Rep): Promise<RemovedRep | null> {
    for (const address of repAddresses(rep)) {
      const removed = await this.getRemoved(address);
      if (removed?.userId === rep.userId) return removed;
    }
    return null;
  }

  async getRep(userId: string): Promise<Rep | null> {
    return (await this.getRepWithEtag(userId))?.rep ?? null;
  }

  async getRepByEmail(email: string): Promise<Rep | null> {
    const key = idKey(addressKey(email));
    const index = await this.getEntity(EMAIL, key);
    if (!index || typeof index.userId !== 'string') return null;
    const rep = await this.getRep(index.userId);
    // An index row left by a crash mid-change must not send one rep's card to another.
    return rep && repAddresses(rep).includes(addressKey(email)) ? rep : null;
  }

  async listReps(): Promise<Rep[]> {
    return naming(this.endpoint, async () => {
      const reps: Rep[] = [];
      const pages = this.client
        .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${REP}` } })
        .byPage();
      for await (const page of pages)
        for (const e of page) if (e.removedAt === undefined) reps.push(fromRepEntity(e));
      return reps;
    });
  }

  async removeRep(userId: string, removedAt: string): Promise<void> {
    const at = eventTime.parse(removedAt);
    for (let attempt = 1; attempt <= REP_ROW_ATTEMPTS; attempt++) {
      const row = await this.readRepRow(userId);
      // Removed already by this uninstall (Teams delivering it again) or a later one, or installed
      // again since. A removal after the row's own is written: an add back Teams sent between the
      // two, delivered late, must find the later one.
      const removedSince = row?.kind === 'removed' && Date.parse(row.removed.removedAt) >= Date.parse(at);
      if (removedSince || decidedLater(row, at)) return;
      const before = row?.kind === 'removed' ? row.removed : row?.rep;
      // A user with no row gets one too: an install Teams sent before this, written late, must not bring them back.
      const removed = parseOrThrow(
        storedRemovedRep,
        {
          userId,
          name: before?.name ?? '',
          removedAt: at,
          timeZone: before?.timeZone,
          email: before?.email,
          upn: before?.upn,
        },
        'removed rep',
      );
      if (!(await this.writeRepRow(row, removedEntity(removed)))) continue;
      // The email index rows stay: they name this user, whose row now says removed, and a reinstall
      // handled at the same time may have just written them.
      for (const address of repAddresses(removed))
        await naming(this.endpoint, () =>
          this.client.upsertEntity(
            {
              partitionKey: REMOVED,
              rowKey: idKey(address),
              userId,
              name: removed.name,
              removedAt: removed.removedAt,
              ...(removed.timeZone === undefined ? {} : { timeZone: removed.timeZone }),
            },
            'Replace',
          ),
        );
      return;
    }
    throw new ConflictError(`rep ${JSON.stringify(userId)}`, REP_ROW_ATTEMPTS);
  }

  async refreshServiceUrl(userId: string, serviceUrl: string): Promise<boolean> {
    return (await this.learnFromActivity(userId, { serviceUrl })) === 'written';
  }

  async learnTimeZone(userId: string, timeZone: string): Promise<RepUpdate> {
    return this.learnFromActivity(userId, { timeZone });
  }

  async learnName(userId: string, name: string): Promise<RepUpdate> {
    if (name.trim() === '') return 'unchanged';
    return this.learnFromActivity(userId, { name });
  }

  async learnFromActivity(userId: string, seen: RepSeen): Promise<RepUpdate> {
    const url = seen.serviceUrl === undefined ? undefined : z.url().parse(seen.serviceUrl);
    const zone =
      seen.timeZone === undefined ? undefined : parseOrThrow(timeZoneSchema, seen.timeZone, 'time zone');
    // Kept as Teams sends it, cut to what the row holds: the readers make it safe to show.
    const named = seen.name?.trim().slice(0, MAX_NAME_CHARS) || undefined;
    return this.updateRep(userId, (rep) => {
      let next = rep;
      if (url !== undefined && rep.serviceUrl !== url)
        next = { ...next, serviceUrl: url, reference: { ...next.reference, serviceUrl: url } };
      if (zone !== undefined && rep.timeZone !== zone) next = { ...next, timeZone: zone };
      if (named !== undefined && rep.name !== named) next = { ...next, name: named };
      return next === rep ? null : next;
    });
  }

  /**
   * Replaces a stored rep with `change` of it, guarded by its ETag; `change` returns null when there is
   * nothing to change, and nothing is written.
   */
  private async updateRep(
    userId: string,
    change: (rep: Rep) => Rep | null,
    maxAttempts = 3,
  ): Promise<RepUpdate> {
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const current = await this.getRepWithEtag(userId);
      if (!current) return 'no_rep';
      const next = change(current.rep);
      if (!next) return 'unchanged';
      try {
        await naming(this.endpoint, () =>
          this.client.updateEntity(repEntity(next), 'Replace', { etag: current.etag }),
        );
        return 'written';
      } catch (err) {
        if (statusOf(err) !== 412) throw err; // 412: saved meanwhile; re-read and compare again
      }
    }
    throw new ConflictError(`rep ${JSON.stringify(userId)}`, maxAttempts);
  }

  async setSummaryChannel(channel: SummaryChannelInput): Promise<void> {
    const entity = channelEntity(parseOrThrow(channelSchema, channel, 'summary channel'));
    await naming(this.endpoint, () => this.client.upsertEntity(entity, 'Replace'));
  }

  async setSummaryChannelIfNone(channel: SummaryChannelInput): Promise<boolean> {
    const entity = channelEntity(parseOrThrow(channelSchema, channel, 'summary channel'));
    try {
      // An insert, not an upsert: of two installs at once only the first sets it.
      await naming(this.endpoint, () => this.client.createEntity(entity));
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw err;
    }
  }

  async clearSummaryChannelOf(teamId: string): Promise<boolean> {
    const e = await this.getEntity(CHANNEL, SUMMARY);
    // Rows stored before the team was kept name only the channel: the General one's id is the team's.
    if (!e || (e.teamId ?? e.channelId) !== teamId) return false;
    return naming(this.endpoint, async () => {
      try {
        // By its ETag: a channel an admin moved it to in the meantime stays.
        await this.client.deleteEntity(CHANNEL, SUMMARY, { etag: String(e.etag) });
        return true;
      } catch (err) {
        if (statusOf(err) === 404 || statusOf(err) === 412) return false;
        throw err;
      }
    });
  }

  async getSummaryChannel(): Promise<SummaryChannel | null> {
    const e = await this.getEntity(CHANNEL, SUMMARY);
    if (!e) return null;
    const raw = { ...e, reference: JSON.parse(String(e.reference)) as unknown };
    return parseOrThrow(
      channelSchema.extend({ teamId: z.string().optional() }),
      raw,
      'stored summary channel',
    );
  }

  /**
   * One address, one rep: the index row and every check that goes by the stored rep (a tap's owner,
   * the tabs' rows) must agree on whose it is. A sign-in name is only a second way to find a rep, so
   * it never takes an address another rep holds as their email (whoever installs last would
   * otherwise get that rep's card, rows and buttons); a rep's email, as before sign-in names were
   * kept, is theirs, and another rep's sign-in name equal to it is dropped from that rep. A sign-in
   * name another account held (an account recreated under the same name) passes to this one.
   */
  private async withoutTakenAddresses(rep: Rep): Promise<Rep> {
    const upnHolder = rep.upn === '' ? null : await this.holderOf(rep.upn, rep.userId);
    const mine = upnHolder?.email === rep.upn ? { ...rep, upn: '' } : rep;
    for (const address of repAddresses(mine)) {
      const holder = address === rep.upn ? upnHolder : await this.holderOf(address, rep.userId);
      if (holder && holder.upn === address) await this.dropUpn(holder.userId, address);
    }
    return mine;
  }

  /** The other rep the index gives `address` to, when their stored row still claims it. */
  private async holderOf(address: string, userId: string): Promise<Rep | null> {
    const index = await this.getEntity(EMAIL, idKey(address));
    if (!index || typeof index.userId !== 'string' || index.userId === userId) return null;
    const other = await this.getRep(index.userId);
    return other && repAddresses(other).includes(address) ? other : null;
  }

  /** Removes `upn` from a rep's row, unless it changed since it was read (a reinstall decided anew). */
  private async dropUpn(userId: string, upn: string): Promise<void> {
    const current = await this.getRepWithEtag(userId);
    if (!current || current.rep.upn !== upn) return;
    try {
      await naming(this.endpoint, () =>
        this.client.updateEntity(repEntity({ ...current.rep, upn: '' }), 'Replace', { etag: current.etag }),
      );
    } catch (err) {
      if (statusOf(err) !== 412) throw err; // 412: saved meanwhile, by an install that saw this one's index
    }
  }

  /** The rep as installed, with its row's ETag; null when none is stored or they removed the app. */
  private async getRepWithEtag(userId: string): Promise<{ rep: Rep; etag: string } | null> {
    const row = await this.readRepRow(userId);
    return row?.kind === 'installed' ? row : null;
  }

  private async readRepRow(userId: string): Promise<RepRow | null> {
    const e = await this.getEntity(REP, idKey(userId));
    if (!e) return null;
    const etag = String(e.etag);
    const eventAt = typeof e.eventAt === 'string' ? e.eventAt : undefined;
    if (e.removedAt === undefined) return { kind: 'installed', rep: fromRepEntity(e), etag, eventAt };
    return { kind: 'removed', removed: parseOrThrow(storedRemovedRep, e, 'removed rep'), etag, eventAt };
  }

  /**
   * Writes a rep's row in place of `read`, by its ETag (none read: an insert); false when another
   * instance wrote it meanwhile (412, or 409 for the insert), for the caller to read and decide again.
   */
  private async writeRepRow(
    read: RepRow | null,
    entity: { partitionKey: string; rowKey: string } & Record<string, unknown>,
  ): Promise<boolean> {
    return naming(this.endpoint, async () => {
      try {
        if (read) await this.client.updateEntity(entity, 'Replace', { etag: read.etag });
        else await this.client.createEntity(entity);
        return true;
      } catch (err) {
        if (statusOf(err) === 412 || statusOf(err) === 409) return false;
        throw err;
      }
    });
  }

  private async deleteEmailRow(email: string, userId: string): Promise<void> {
    const index = await this.getEntity(EMAIL, idKey(email));
    // Only our own row: the address may have moved to another rep since.
    if (index && index.userId === userId) await this.deleteIgnoringMissing(EMAIL, idKey(email));
  }

  private async getEntity(partitionKey: string, rowKey: string): Promise<Record<string, unknown> | null> {
    return naming(this.endpoint, () => readEntity(this.client, partitionKey, rowKey));
  }

  private async deleteIgnoringMissing(partitionKey: string, rowKey: string): Promise<void> {
    await naming(this.endpoint, async () => {
      try {
        await this.client.deleteEntity(partitionKey, rowKey);
      } catch (err) {
        if (statusOf(err) !== 404) throw err; // 404: already gone, which is what we wanted
      }
    });
  }
}

function repEntity(rep: Rep) {
  return {
    partitionKey: REP,
    rowKey: idKey(rep.userId),
    userId: rep.userId,
    ...(rep.channelAccountId === undefined ? {} : { channelAccountId: rep.channelAccountId }),
    ...(rep.source === undefined ? {} : { source: rep.source }),
    ...(rep.timeZone === undefined ? {} : { timeZone: rep.timeZone }),
    name: rep.name,
    email: rep.email,
    ...(rep.upn === '' ? {} : { upn: rep.upn }),
    tenantId: rep.tenantId,
    serviceUrl: rep.serviceUrl,
    reference: JSON.stringify(rep.reference),
    ...(rep.installedAt === undefined ? {} : { eventAt: rep.installedAt }),
  };
}

/** A removed rep's row: who, when Teams sent the uninstall (also its `eventAt`), their zone and addresses. */
function removedEntity(removed: RemovedRow) {
  return {
    partitionKey: REP,
    rowKey: idKey(removed.userId),
    userId: removed.userId,
    name: removed.name,
    email: removed.email,
    ...(removed.upn === '' ? {} : { upn: removed.upn }),
    ...(removed.timeZone === undefined ? {} : { timeZone: removed.timeZone }),
    removedAt: removed.removedAt,
    eventAt: removed.removedAt,
  };
}

function fromRepEntity(e: Record<string, unknown>): Rep {
  const stored = parseOrThrow(storedRep, e, 'stored rep');
  return parseOrThrow(
    repSchema,
    {
      ...stored,
      reference: JSON.parse(stored.reference) as unknown,
      // Not an instant (a row written otherwise): no install time, rather than a broken row.
      installedAt: stored.eventAt && eventTime.safeParse(stored.eventAt).success ? stored.eventAt : undefined,
    },
    'stored rep',
  );
}

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`Invalid ${what}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** The summary channel's single row. */
function channelEntity(c: SummaryChannel) {
  return {
    partitionKey: CHANNEL,
    rowKey: SUMMARY,
    ...(c.teamId === undefined ? {} : { teamId: c.teamId }),
    ...(c.teamName == null ? {} : { teamName: c.teamName }),
    ...(c.setBy === undefined ? {} : { setBy: c.setBy }),
    channelId: c.channelId,
    tenantId: c.tenantId,
    serviceUrl: c.serviceUrl,
    reference: JSON.stringify(c.reference),
  };
}
