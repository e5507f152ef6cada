import { describe, expect, it } from 'vitest';
import { dailyRunDue, teamWorksOn } from '../../../jobs/schedule';
import { dayOf, isoOfDay } from '../../../rules/calendar';
import { playDays } from '../../../rules/plans';

/** A US team in UTC, closed the week between Christmas and New Year 2026, the digest at 09:03. */
const DAYS_OFF = { holidays: 'US', closedDays: [{ from: '2026-12-24', to: '2026-12-31' }] };
const DIGEST = { timeZone: 'UTC', hour: 9, minute: 3, workingDays: [1, 2, 3, 4, 5], ...DAYS_OFF };

/** Whether the daily digest goes out on a day (at 10:00, past its send time). */
const digestOn = (day: number) => dailyRunDue(new Date(`${isoOfDay(day)}T10:00:00Z`), DIGEST).due;

describe('the play days and the digest', () => {
  it('name the day the digest tells a step due on the calendar day: the first it goes out on', () => {
    const worksOn = teamWorksOn(DAYS_OFF, DIGEST.workingDays);
    // Every list day from November to February, each plan table's days.
    for (let list = dayOf('2026-11-02'); list <= dayOf('2027-02-26'); list++) {
      for (const days of [
        [0, 7],
        [0, 3, 10],
        [0, 1, 2, 3, 4, 5, 6, 14],
      ]) {
        const moved = playDays({ days }, { day: list, worksOn });
        const told = days.map((d) => {
          let day = list + d;
          while (!digestOn(day)) day++;
          return day;
        });
        expect(moved.map(isoOfDay), `${isoOfDay(list)} ${days}`).toEqual(
          [...new Set(told)].sort((a, b) => a - b).map(isoOfDay),
        );
      }
    }
  });

  it("move the 21 December card's days off the closure and New Year's Day", () => {
    const worksOn = teamWorksOn(DAYS_OFF, DIGEST.workingDays);
    expect(playDays({ days: [0, 3, 10] }, { day: dayOf('2026-12-21'), worksOn }).map(isoOfDay)).toEqual([
      '2026-12-21',
      '2027-01-04',
    ]);
    // Without the closure, Christmas Eve is worked and New Year's Eve too.
    const open = teamWorksOn({ holidays: 'US' }, DIGEST.workingDays);
    expect(playDays({ days: [0, 3, 10] }, { day: dayOf('2026-12-21'), worksOn: open }).map(isoOfDay)).toEqual(
      ['2026-12-21', '2026-12-24', '2026-12-31'],
    );
  });
});
