import { describe, expect, it } from 'vitest';
import { missedTickText, moreKind, toldKey, untoldReps, untoldText } from '../../../jobs/weekly/toldReps';
import { LISTED_IN_TEXT, type NotReached, type RepOutcome } from '../../../jobs/weekly/weeklyReport';

describe('which reps a notice of the run has told of', () => {
  const waitEnds = '2026-11-23T16:03:00.000Z';
  it('a rep told their card follows after the wait Teams asked for is told again once it failed', () => {
    expect(toldKey({ rep: 'ben@x.com', status: 'failed', retryAt: waitEnds })).toBe('teams_wait:ben@x.com');
    expect(toldKey({ rep: 'ben@x.com', status: 'failed' })).toBe('failed:ben@x.com');
    expect(toldKey({ rep: 'ben@x.com', status: 'no_conversation' })).toBe('no_conversation:ben@x.com');
    // Added back, and refused for another reason: what the admins do about it is another thing.
    expect(toldKey({ rep: 'ben@x.com', status: 'unreachable', code: 'BotDisabledByAdmin' })).toBe(
      'unreachable_BotDisabledByAdmin:ben@x.com',
    );
  });

  it('names only the reps no notice named so: not one another instance sends to, nor one delivered meanwhile', async () => {
    const outcomes: RepOutcome[] = [
      { rep: 'ana@x.com', status: 'delivered', activityId: 'a', customers: 1, earlier: false },
      { rep: 'ben@x.com', status: 'failed', error: 'HTTP 503' },
      { rep: 'cal@x.com', status: 'no_conversation' },
      { rep: 'dan@x.com', status: 'failed', error: 'held', elsewhere: true },
      { rep: 'eve@x.com', status: 'failed', error: 'HTTP 503' },
      { rep: 'fay@x.com', status: 'unreachable', code: 'BotDisabledByAdmin', earlier: false },
    ];
    const told = new Set(['no_conversation:cal@x.com', 'unreachable_BotNotInConversationRoster:fay@x.com']);
    const untold = await untoldReps(outcomes, told, async (rep) => rep === 'eve@x.com');
    expect(untold.map((n) => n.rep)).toEqual(['ben@x.com', 'fay@x.com']);
    expect(untoldText({ run: 'Weekly run weekly-2026-W48', sent: 'card' }, untold, (r) => r)).toMatch(
      /^Weekly run weekly-2026-W48: 2 reps got no card since the admins were told of the run\.\n- ben@x\.com: HTTP 503\n- fay@x\.com: the organisation's Teams app policy/,
    );
  });

  it("a notice's kind is the same whatever the order of the reps it names, and apart for other reps", () => {
    expect(moreKind(['failed:a', 'failed:b'])).toBe(moreKind(['failed:b', 'failed:a']));
    expect(moreKind(['failed:a'])).not.toBe(moreKind(['failed:b']));
    expect(moreKind(['failed:a'])).toMatch(/^more_[0-9a-f]{32}$/);
  });

  it('the notice of a run whose last tick did not complete says which run, and leaves the reps past the list to the log', () => {
    const reps: NotReached[] = Array.from({ length: LISTED_IN_TEXT + 2 }, (_, i) => ({
      rep: `rep${i}@x.com`,
      status: 'failed',
      detail: 'HTTP 503',
    }));
    const lines = missedTickText(
      { run: 'Follow-ups daily-2026-11-24', which: "yesterday's run", sent: 'digest' },
      reps,
      (r) => `Rep ${r}`,
      { listed: LISTED_IN_TEXT + 2, count: LISTED_IN_TEXT + 2 },
    ).split('\n');
    expect(lines[0]).toBe(
      `Follow-ups daily-2026-11-24 (yesterday's run): ${LISTED_IN_TEXT + 2} reps got no digest, and the admins were not told: the run's last tick did not complete.`,
    );
    expect(lines[1]).toBe('- Rep rep0@x.com: HTTP 503');
    expect(lines).toHaveLength(LISTED_IN_TEXT + 2);
    expect(lines.at(-1)).toBe("- and 2 more (see the run's log)");
  });
});
