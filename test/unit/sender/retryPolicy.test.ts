import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  classifySendError,
  parseRetryAfter,
  retryingPreconditionFailed,
  withRetry,
} from '../../../bot/retryPolicy';
import { fakeClock } from './fakeClock';

/** The shape core-rest-pipeline's RestError has: statusCode plus the response's headers and body. */
function restError(statusCode: number, headers: Record<string, string> = {}, body = ''): Error {
  return Object.assign(new Error(`HTTP ${statusCode}`), {
    statusCode,
    response: { headers: { get: (name: string) => headers[name.toLowerCase()] }, bodyAsText: body },
  });
}
const blocked = (code: string) => restError(403, {}, JSON.stringify({ error: { code, message: 'blocked' } }));

describe('classifySendError', () => {
  it('retries 412, 429, 500, 502, 503, 504 and network resets; reads Retry-After', () => {
    for (const s of [412, 500, 502, 503, 504])
      expect(classifySendError(restError(s), 0)).toMatchObject({ kind: 'retry' });
    expect(classifySendError(restError(429, { 'retry-after': '2' }), 0)).toEqual({
      kind: 'retry',
      status: 429,
      retryAfterMs: 2000,
    });
    expect(classifySendError(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 0)).toMatchObject({
      kind: 'retry',
      status: null,
    });
  });

  it('counts every 429 met as throttled, on the last attempt and a Retry-After too long to wait included', async () => {
    const clock = fakeClock();
    const always429 = async () => {
      throw restError(429, { 'retry-after': '1' });
    };
    expect(await withRetry(always429, { clock, maxAttempts: 3 })).toMatchObject({
      ok: false,
      attempts: 3,
      throttled: 3,
    });
    const tooLong = async () => {
      throw restError(429, { 'retry-after': '120' });
    };
    expect(await withRetry(tooLong, { clock })).toMatchObject({ ok: false, attempts: 1, throttled: 1 });
  });

  it('marks a 403 BotNotInConversationRoster (the app was removed) as unreachable', () => {
    expect(classifySendError(blocked('BotNotInConversationRoster'), 0)).toEqual({
      kind: 'unreachable',
      status: 403,
      code: 'BotNotInConversationRoster',
    });
  });

  it("marks the 403 Microsoft's proactive-messages page shows for a blocked or uninstalled bot unreachable", () => {
    // Byte for byte the page's example body: the sub-code inside `message`, no `error` object.
    const body =
      '{"errorCode":209,"message":"{\\r\\n  \\"subCode\\": \\"MessageWritesBlocked\\",\\r\\n  \\"details\\": \\"Thread is blocked from message writes.\\",\\r\\n  \\"errorCode\\": null,\\r\\n  \\"errorSubCode\\": null\\r\\n}"}';
    expect(classifySendError(restError(403, {}, body), 0)).toEqual({
      kind: 'unreachable',
      status: 403,
      code: 'MessageWritesBlocked',
    });
    // A message that is plain words, or JSON without a sub-code, names no code.
    const words = JSON.stringify({ errorCode: 209, message: 'Forbidden' });
    expect(classifySendError(restError(403, {}, words), 0)).toEqual({ kind: 'fatal', status: 403 });
    const noSubCode = JSON.stringify({ message: JSON.stringify({ details: 'x' }) });
    expect(classifySendError(restError(403, {}, noSubCode), 0)).toEqual({ kind: 'fatal', status: 403 });
  });

  it('marks a 403 blocked/removed as unreachable and any other 403 or 4xx as fatal', () => {
    expect(classifySendError(blocked('MessageWritesBlocked'), 0)).toEqual({
      kind: 'unreachable',
      status: 403,
      code: 'MessageWritesBlocked',
    });
    expect(classifySendError(blocked('ConversationBlockedByUser'), 0)).toMatchObject({ kind: 'unreachable' });
    expect(classifySendError(blocked('Forbidden'), 0)).toEqual({ kind: 'fatal', status: 403 });
    expect(classifySendError(restError(403, {}, '<html>'), 0)).toEqual({ kind: 'fatal', status: 403 });
    expect(classifySendError(restError(400), 0)).toEqual({ kind: 'fatal', status: 400 });
    expect(classifySendError(new Error('boom'), 0)).toEqual({ kind: 'fatal', status: null });
  });

  it('marks a conversation Teams no longer has (404 ConversationNotFound) unreachable; a message it cannot find is fatal', () => {
    const notFound = (code: string) => restError(404, {}, JSON.stringify({ error: { code } }));
    expect(classifySendError(notFound('ConversationNotFound'), 0)).toEqual({
      kind: 'unreachable',
      status: 404,
      code: 'ConversationNotFound',
    });
    expect(classifySendError(notFound('ActivityNotFoundInConversation'), 0)).toEqual({
      kind: 'fatal',
      status: 404,
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds, fractions and HTTP dates', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter('0.25', 0)).toBe(250);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:05 GMT', 1000)).toBe(4000);
    expect(parseRetryAfter(undefined, 0)).toBeNull();
    expect(parseRetryAfter('soon', 0)).toBeNull();
  });
});

describe('backoffDelayMs (full jitter)', () => {
  it('is uniform below min(cap, base * 2^(n-1))', () => {
    expect(backoffDelayMs(1, { baseDelayMs: 100, random: () => 0.999 })).toBe(99);
    expect(backoffDelayMs(4, { baseDelayMs: 100, random: () => 0.5 })).toBe(400);
    expect(backoffDelayMs(20, { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 })).toBe(500);
    expect(backoffDelayMs(3, { baseDelayMs: 100, random: () => 0 })).toBe(0);
  });
});

describe('withRetry', () => {
  it("waits a 429's Retry-After, then succeeds", async () => {
    const clock = fakeClock();
    let calls = 0;
    const outcome = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw restError(429, { 'retry-after': '7' });
        return 'ok';
      },
      { clock },
    );
    expect(outcome).toEqual({ ok: true, value: 'ok', attempts: 2, retries: 1, throttled: 1, waitedMs: 7000 });
    expect(clock.sleeps).toEqual([7000]);
  });

  it('backs off with jitter on 503 and gives up after maxAttempts', async () => {
    const clock = fakeClock();
    let calls = 0;
    const outcome = await withRetry(
      async () => {
        calls++;
        throw restError(503);
      },
      { clock, maxAttempts: 4, baseDelayMs: 100, random: () => 0.5 },
    );
    expect(calls).toBe(4);
    expect(outcome).toMatchObject({ ok: false, reason: 'failed', attempts: 4, retries: 3 });
    expect(clock.sleeps).toEqual([50, 100, 200]);
  });

  it('retries a 500 from the connector with the same backoff, then delivers', async () => {
    const clock = fakeClock();
    let calls = 0;
    const outcome = await withRetry(
      async () => {
        if (++calls < 3) throw restError(500, {}, JSON.stringify({ error: { code: 'ServiceError' } }));
        return 'sent';
      },
      { clock, baseDelayMs: 100, random: () => 0.5 },
    );
    expect(outcome).toMatchObject({ ok: true, value: 'sent', attempts: 3, throttled: 0 });
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('does not retry an unreachable rep or a fatal error', async () => {
    let calls = 0;
    const unreachable = await withRetry(async () => {
      calls++;
      throw blocked('ConversationBlockedByUser');
    });
    expect(unreachable).toMatchObject({
      ok: false,
      reason: 'unreachable',
      code: 'ConversationBlockedByUser',
    });
    const fatal = await withRetry(async () => {
      calls++;
      throw restError(400);
    });
    expect(fatal).toMatchObject({ ok: false, reason: 'failed', attempts: 1 });
    expect(calls).toBe(2);
  });

  it('fails rather than stall when Retry-After exceeds the bound', async () => {
    const clock = fakeClock();
    const outcome = await withRetry(
      async () => {
        throw restError(429, { 'retry-after': '3600' });
      },
      { clock, maxRetryAfterMs: 60_000 },
    );
    expect(outcome).toMatchObject({ ok: false, reason: 'failed', attempts: 1 });
    expect(clock.sleeps).toEqual([]);
  });
});

describe('retryingPreconditionFailed (a reply inside a turn)', () => {
  it('tries a 412 again, three tries at most; any other failure is thrown at once', async () => {
    const clock = fakeClock();
    let calls = 0;
    const busyTwice = async () => {
      if (++calls <= 2) throw restError(412);
      return 'updated';
    };
    expect(await retryingPreconditionFailed(busyTwice, { clock, random: () => 0.5 })).toBe('updated');
    expect(clock.sleeps).toEqual([125, 250]);

    calls = 0;
    const alwaysBusy = async () => {
      calls++;
      throw restError(412);
    };
    await expect(retryingPreconditionFailed(alwaysBusy, { clock })).rejects.toMatchObject({
      statusCode: 412,
    });
    expect(calls).toBe(3);

    calls = 0;
    const gone = async () => {
      calls++;
      throw restError(404);
    };
    await expect(retryingPreconditionFailed(gone, { clock })).rejects.toMatchObject({ statusCode: 404 });
    expect(calls).toBe(1);
  });
});
