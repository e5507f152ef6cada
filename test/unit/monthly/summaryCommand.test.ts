import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { computeMonthlySummary, renderSummaryText } from '../../../jobs/monthly';
import { parseSummaryArgs, runSummaryCommand } from '../../../tools/cli/summaryCommand';
import { UsageError } from '../../../tools/cli/usageError';
import { LOSS_REASONS } from './auditRows';
import { ANA, november } from './novemberFixture';

describe('summary command arguments', () => {
  it('takes --month and --format', () => {
    expect(parseSummaryArgs(['--month', '2026-11'])).toEqual({ month: '2026-11', format: 'text' });
    expect(parseSummaryArgs(['--format', 'card'])).toEqual({ month: undefined, format: 'card' });
  });

  it('refuses a bad month, format or option', () => {
    expect(() => parseSummaryArgs(['--month', '2026-13'])).toThrow(UsageError);
    expect(() => parseSummaryArgs(['--month', 'November'])).toThrow(/YYYY-MM/);
    expect(() => parseSummaryArgs(['--format', 'xml'])).toThrow(/text, json or card/);
    expect(() => parseSummaryArgs(['--feed', 'x'])).toThrow(UsageError);
  });

  it('says clearly that it needs STORAGE_CONNECTION_STRING', async () => {
    const sink = new Writable({ write: (_c, _e, done) => done() });
    await expect(runSummaryCommand(['--month', '2026-11'], sink, {})).rejects.toThrow(
      /set STORAGE_CONNECTION_STRING/,
    );
  });
});

describe('renderSummaryText', () => {
  it('prints the headline, figures, losses, hint, reps and re-churn', () => {
    const text = renderSummaryText(
      computeMonthlySummary({
        month: '2026-11',
        timeZone: 'America/Chicago',
        lossReasons: LOSS_REASONS,
        repNames: { [ANA]: 'Ana Ruiz' },
        ...november(),
      }),
    );
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'Monthly summary, November 2026',
      '',
      'The team won back $3,400 of monthly revenue in November from 2 at-risk customers. 4 lost.',
    ]);
    expect(text).toMatch(/\nWin-back rate +25% \(2 of 8 customers flagged this month won back\)\n/);
    expect(text).toMatch(/\nReached out, then won back +2 of 3 customers reached out to \(67%\)\n/);
    expect(lines).toContain('  Price       2  50%');
    expect(lines).toContain('Hint: 2 of 4 losses were price: that is a pricing conversation.');
    expect(lines).toContain('  Ana Ruiz                6            2         1     3          $1,200');
    // No order feed given: whether the save held is not said.
    expect(lines).toContain('At risk again within 90 days of a save');
    expect(lines).toContain('  Customer c10 (ana@demo.example): won back 10 Sep, at risk again 16 Nov');
  });

  it('says of each re-churned customer whether they ordered after the save, in the locale, with the window used', () => {
    const s = computeMonthlySummary({
      month: '2027-01',
      timeZone: 'Europe/Berlin',
      locale: 'en-GB',
      rows: [],
    });
    const entry = { customerId: 'a', owner: ANA, wonBackOn: '2026-11-10', atRiskAgainOn: '2027-01-11' };
    const text = renderSummaryText({
      ...s,
      isEmpty: false,
      reChurnWindowDays: 148,
      reChurn: [
        { ...entry, name: 'Alder', orderedSince: false },
        { ...entry, name: 'Birch', orderedSince: true, wonBackOn: '2026-12-01' },
        { ...entry, name: 'Cedar', orderedSince: null },
      ],
    });
    const lines = text.split('\n');
    const at = lines.indexOf('At risk again within 148 days of a save');
    expect(lines.slice(at, at + 4)).toEqual([
      'At risk again within 148 days of a save',
      // The year where the save was in the year before the summary's month.
      '  Alder (ana@demo.example): won back 10 Nov 2026, no order since, at risk again 11 Jan',
      '  Birch (ana@demo.example): won back 1 Dec 2026, ordered again, at risk again 11 Jan',
      '  Cedar (ana@demo.example): won back 10 Nov 2026, at risk again 11 Jan',
    ]);
    expect(text).toMatch(/\nAt risk again after a save +3\n/);
  });

  it("never writes a terminal's control sequences from a rep's or customer's name", () => {
    // ESC ] 52 sets the clipboard in many terminals; ESC [ 2J clears the screen.
    const evil = 'Ana\u001b]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u0007\u001b[2J';
    const s = computeMonthlySummary({
      month: '2026-11',
      timeZone: 'America/Chicago',
      lossReasons: LOSS_REASONS,
      repNames: { [ANA]: evil },
      ...november(),
    });
    const text = renderSummaryText({ ...s, reChurn: s.reChurn.map((c) => ({ ...c, name: evil })) });
    expect(text).not.toMatch(/(?!\n)\p{Cc}/u);
    expect(text).toContain('Ana ]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==  [2J');
  });

  it('prints only the headline for an empty month', () => {
    expect(renderSummaryText(computeMonthlySummary({ month: '2026-02', rows: [] }))).toBe(
      'Monthly summary, February 2026\n\nNothing was recorded in February: no customer was flagged and no button was tapped.\n',
    );
  });
});
