import { describe, expect, it } from 'vitest';
import { type FollowUpsDone, followUpsReportText } from '../../../jobs/followups/followUpsReport';

/** A day's run as the admins' account reads it: one digest, one quiet rep, one customer marked lost. */
function oneOfEach(): FollowUpsDone {
  return {
    status: 'completed',
    runKey: 'followups-2026-11-30',
    localDate: '2026-11-30',
    since: '2026-11-27',
    lookedBack: { days: 3, from: 'last_run' },
    forced: false,
    resumed: false,
    attempt: 1,
    retry: 'none',
    feed: { customers: 300, rowsSkipped: 0 },
    followUps: { due: 1, no_order: 0, ordered: 0, lost_ordered: 0, silent: 1, save_slipping: 0, overflow: 0 },
    markedLost: { recorded: 1, alreadyThere: 0 },
    savesFlaggedAgain: 0,
    followUpRows: { recorded: 1, alreadyThere: 0 },
    counts: { delivered: 1, unreachable: 0, no_conversation: 0, failed: 0 } as FollowUpsDone['counts'],
    quietReps: 1,
    notReached: [],
    sends: { attempts: 1, retries: 0, throttled: 0 },
    storage: { cardSaves: 1 } as FollowUpsDone['storage'],
    adminNotice: 'not_needed',
    durationMs: 10,
    phasesMs: { prepare: 5, deliver: 4, followUpRows: 1 },
    outcomes: [],
  };
}

describe("the follow-ups run's account for the admins", () => {
  it('counts one digest, one quiet rep and one customer in the singular', () => {
    const text = followUpsReportText(oneOfEach(), { timeZone: 'UTC', today: '2026-11-24' });
    expect(text).toContain('; 1 digest delivered, ');
    expect(text).toContain('; 1 rep with nothing due.');
    expect(text).toContain('1 customer marked lost after silence');
  });
});

describe('the follow-ups account names a rep who removed the app as the weekly notice does', () => {
  it('by the Teams name they had when they removed it, with their address', () => {
    const removed: FollowUpsDone = {
      ...oneOfEach(),
      counts: { delivered: 1, unreachable: 0, no_conversation: 1, failed: 0 } as FollowUpsDone['counts'],
      notReached: [
        { rep: 'ben@x.com', status: 'no_conversation', detail: 'they removed the app on Sun 29 Nov' },
      ],
      outcomes: [
        { rep: 'ben@x.com', status: 'no_conversation', removedOn: 'Sun 29 Nov', removedName: 'Ben Ode' },
      ],
    };
    expect(followUpsReportText(removed, { timeZone: 'UTC', today: '2026-11-24' })).toContain(
      '- Ben Ode (ben@x.com): they removed the app on Sun 29 Nov',
    );
  });
});

describe("the follow-ups account says what became of the notice of reps it told of later, in the day's words", () => {
  it('a digest, tried again today: not a card, this week', () => {
    const later = (laterNotice: FollowUpsDone['laterNotice']) =>
      followUpsReportText(
        { ...oneOfEach(), adminNotice: 'already_sent', laterNotice },
        { timeZone: 'UTC', today: '2026-11-24' },
      );
    expect(later('posted')).toContain(
      'The admins were sent a notice of the reps with no digest since they were told of the run.',
    );
    expect(later('failed')).toContain(
      'The notice of the reps with no digest since the admins were told of the run could not be posted: it is tried again on each tick today and tomorrow.',
    );
    expect(later('failed')).not.toContain('this week');
  });
});

describe("the follow-ups account says when the day's notice was left to another instance, or not posted again", () => {
  it('as the weekly account does: the log is where the on-call engineer reads it', () => {
    const account = (adminNotice: FollowUpsDone['adminNotice']) =>
      followUpsReportText({ ...oneOfEach(), adminNotice }, { timeZone: 'UTC', today: '2026-11-24' });
    expect(account('under_way')).toContain(
      "Another instance is posting the admins' notice: a later tick checks that it went out.",
    );
    expect(account('unconfirmed')).toContain(
      "The admins' notice was started as often as it may be with no record that it went out",
    );
  });
});
