import { describe, expect, it } from 'vitest';
import { savedCustomersWeeks } from '../../../jobs/monthly/summaryCardFor';
import type { ListedWeek } from '../../../rules/listedWeeks';
import { Rows } from './auditRows';

const week = (day: string, page: number | null): ListedWeek => ({
  run: 'weekly-2026-W47',
  day,
  owner: 'ana@demo.example',
  kind: 'slipping',
  chance: 60,
  rank: page === null ? null : 12,
  page,
  heldOut: page === null,
});

describe("the saved customers' weeks the monthly summary keeps", () => {
  it("keeps only the month's weeks past the card's first page: a saved customer's year of weeks is not held", async () => {
    const r = new Rows();
    r.wonBack('p2', '2026-09-10T15:00:00Z', 400);
    r.wonBack('firstPage', '2026-09-10T15:00:00Z', 400);
    r.add('reached_out', 'called', '2026-09-10T15:00:00Z');
    const stored = new Map<string, ListedWeek[]>([
      [
        'p2',
        [
          // A year of weeks before the save, then November's: only the page-2 week of November is the summary's.
          ...Array.from({ length: 40 }, () => week('2025-12-01', 1)),
          week('2026-10-26', 2),
          week('2026-11-16', 2),
          week('2026-11-23', 1),
          week('2026-11-30', null),
        ],
      ],
      ['firstPage', [week('2026-11-16', 1)]],
      ['called', [week('2026-11-16', 2)]],
    ]);
    const read: string[] = [];
    const listings = {
      readRow: async (id: string) => {
        read.push(id);
        return { weeks: stored.get(id) ?? [], startedAgain: false };
      },
    };
    const kept = await savedCustomersWeeks(listings, r.all, '2026-11');
    expect(read.sort()).toEqual(['firstPage', 'p2']);
    expect([...kept]).toEqual([['p2', [week('2026-11-16', 2)]]]);
  });
});
