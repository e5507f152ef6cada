import { z } from 'zod';
import { type CustomerState, customerStateSchema, initialState, segmentSchema } from '../rules/customerState';
import { idKey } from './keys';

/**
 * CustomerState <-> Table entity, pure. Numbers are sent as Edm.Double (a bare JSON integer would
 * be stored as Int32 and overflow past 2^31); `reasons` is a JSON string; null fields are omitted,
 * so a Replace write clears them.
 */

type Double = { type: 'Double'; value: number };
export type StateEntity = Record<string, string | Double> & { partitionKey: string; rowKey: string };

function double(value: number): Double {
  if (!Number.isFinite(value)) throw new Error(`Refusing to store a non-finite number (${value})`);
  return { type: 'Double', value };
}

/** The entity for a state row in a partition. */
export function toStateEntity(partitionKey: string, s: CustomerState): StateEntity {
  const entity: StateEntity = {
    partitionKey,
    rowKey: idKey(s.customerId),
    customerId: s.customerId,
    name: s.name,
    owner: s.owner,
    monthlyValue: double(s.monthlyValue),
    score: double(s.score),
    band: s.band,
    reasons: JSON.stringify(s.reasons),
    status: s.status,
  };
  const optional = {
    segment: s.segment,
    surfacedAt: s.surfacedAt,
    listedAt: s.listedAt,
    lastContact: s.lastContact,
    wonBackAt: s.wonBackAt,
    lostAt: s.lostAt,
    lostReason: s.lostReason,
    lostNote: s.lostNote,
    previousWonBackAt: s.previousWonBackAt,
    wonBackOwner: s.wonBackOwner,
    snoozedUntil: s.snoozedUntil,
    snoozedAt: s.snoozedAt,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== null) entity[k] = v;
  if (s.recoveredValue !== null) entity.recoveredValue = double(s.recoveredValue);
  // Left out when monthly, as rows from before the kinds are read.
  if (s.valueKind !== 'monthly') entity.valueKind = s.valueKind;
  return entity;
}

/** Table Storage's longest string property: 64 KiB of UTF-16, 32K characters. */
export const MAX_STRING_CHARS = 32 * 1024;

/**
 * Why Table Storage would refuse this customer's rows, or null when it would take them: a non-finite
 * number, a string property over 32K characters, or a state too long to travel as the snapshot an
 * audit row carries in one string property. The run checks before writing, so one such customer is
 * reported instead of failing the transaction (and the run) for everyone.
 */
export function stateRowProblem(state: CustomerState): string | null {
  let entity: StateEntity;
  try {
    entity = toStateEntity('check', state);
  } catch (err) {
    if (err instanceof Error) return err.message;
    throw err;
  }
  for (const [key, value] of Object.entries(entity)) {
    if (typeof value === 'string' && value.length > MAX_STRING_CHARS) {
      return `${key} is ${value.length} characters; Table Storage holds at most ${MAX_STRING_CHARS}`;
    }
  }
  const snapshot = JSON.stringify(state).length;
  if (snapshot > MAX_STRING_CHARS) {
    return `the state is ${snapshot} characters as an audit snapshot; Table Storage holds at most ${MAX_STRING_CHARS}`;
  }
  return null;
}

const reasonsJson = z.string().transform((text, ctx) => {
  const parsed = z.array(z.string()).safeParse(parseJson(text));
  if (parsed.success) return parsed.data;
  ctx.addIssue({ code: 'custom', message: 'reasons is not a JSON array of strings' });
  return z.NEVER;
});

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    if (err instanceof SyntaxError) return undefined; // reported by the schema as malformed
    throw err;
  }
}
const nullable = <T extends z.ZodType>(t: T) => t.optional().transform((v) => v ?? null);

// Table Storage leaves out null properties, and stores the reasons as JSON text.
const stateRow = customerStateSchema
  .extend({
    reasons: reasonsJson,
    segment: nullable(segmentSchema),
    surfacedAt: nullable(z.string()),
    listedAt: nullable(z.string()),
    lastContact: nullable(z.string()),
    wonBackAt: nullable(z.string()),
    recoveredValue: nullable(z.number()),
    lostAt: nullable(z.string()),
    lostReason: nullable(z.string()),
    lostNote: nullable(z.string()),
    previousWonBackAt: nullable(z.string()),
    wonBackOwner: nullable(z.string()),
    snoozedUntil: nullable(z.string()),
    snoozedAt: nullable(z.string()),
  })
  .strip();

/** Parses a stored entity back into a CustomerState; throws naming the row when it is malformed. */
export function fromStateEntity(entity: Record<string, unknown>): CustomerState {
  const parsed = stateRow.safeParse(entity);
  if (!parsed.success) {
    throw new Error(`State row ${String(entity.rowKey)} is malformed: ${z.prettifyError(parsed.error)}`);
  }
  // Laid out as a fresh state is, every field inside the object: the parser's own object keeps its
  // fields in a separate array, and a run holds a million stored states (and their updated copies).
  return Object.assign(initialState(parsed.data), parsed.data);
}
