import { describe, expect, it } from 'vitest';
import { dateWording } from '../../../bot/taps/actionWords';
import { buildRunNoticeCard } from '../../../cards/runNoticeCard';
import { brokenRulesText } from '../../../jobs/weekly/rulesFileNotice';
import { texts } from '../cards/cardWalk';

describe("the admins' notice of a broken rules file", () => {
  it('a file with a problem on each of 80 owner names still says, on the card, what the runs do and how to fix it', () => {
    const problems = Array.from(
      { length: 80 },
      (_, i) => `ownerNames.rep${i}: expected an email address, received a number`,
    );
    const text = brokenRulesText(
      {
        source: 'rules.json',
        problems,
        version: 'abc',
        lastGood: { at: '2026-11-20T09:00:00Z', version: 'def' },
      },
      dateWording(new Date('2026-11-23T10:00:00Z'), 'Europe/London'),
    );
    // As the admin notifier posts it: the first line the title, one line each after.
    const [title, ...lines] = text.split('\n');
    const card = texts(buildRunNoticeCard({ title, lines })).join('\n');
    expect(card).toContain('- ownerNames.rep0: expected an email address');
    expect(card).toContain('go on with the rules file as it was read valid on Fri 20 Nov');
    expect(card).toContain('Fix the file and save it again');
    expect(card).toContain('This notice is not repeated while the file stays as it is.');
    expect(card).toContain("- and 60 more problems, each in the function app's log");
  });

  it('words the day the valid file was read as the cards word dates, in LOCALE and the team zone', () => {
    const broken = {
      source: 'rules.json',
      problems: ['capPerRep: expected a number'],
      version: 'abc',
      // Late on Friday in Chicago: already Saturday in UTC.
      lastGood: { at: '2026-11-21T03:00:00Z', version: 'def' },
    };
    const now = new Date('2026-11-23T10:00:00Z');
    expect(brokenRulesText(broken, dateWording(now, 'America/Chicago', 'en-US'))).toContain(
      'as it was read valid on Fri 20 Nov:',
    );
    expect(brokenRulesText(broken, dateWording(now, 'America/Chicago', 'de-DE'))).toContain(
      'as it was read valid on Fr., 20. Nov.:',
    );
    // A file read valid in another year carries its year, as a card's date does.
    expect(
      brokenRulesText(broken, dateWording(new Date('2027-01-04T10:00:00Z'), 'America/Chicago', 'en-US')),
    ).toContain('as it was read valid on Fri 20 Nov 2026:');
  });
});
