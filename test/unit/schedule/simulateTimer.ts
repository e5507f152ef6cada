import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { DailyRunDecision, WeeklyRunDecision } from '../../../jobs/schedule';

/** One run the simulated timer started: its key and the local wall-clock time it fired at. */
export interface Fired {
  runKey: string;
  local: string;
  localDate: string;
}

const QUARTER_TICK_MINUTES = [3, 18, 33, 48];

/**
 * Steps a timer ticking at UTC minutes 3/18/33/48 (WEEKLY_TIMER_NCRONTAB) from `fromUtc` to `toUtc`,
 * keeping the run keys that ran (seeded with `ledgerAtStart`, the period before the window having
 * run) and skipping a due tick whose key ran, as the runs do with their ledger; returns every run.
 */
export function simulateTimer(
  fromUtc: string,
  toUtc: string,
  timeZone: string,
  decide: (now: Date) => DailyRunDecision | WeeklyRunDecision,
  ledgerAtStart: string | null,
): Fired[] {
  const fired: Fired[] = [];
  const ran = new Set(ledgerAtStart === null ? [] : [ledgerAtStart]);
  const end = new Date(toUtc).getTime();
  for (let t = new Date(fromUtc).getTime(); t <= end; t += 60_000) {
    if (!QUARTER_TICK_MINUTES.includes(new Date(t).getUTCMinutes())) continue;
    const decision = decide(new Date(t));
    if (!decision.due || ran.has(decision.runKey)) continue;
    ran.add(decision.runKey);
    fired.push({
      runKey: decision.runKey,
      local: format(new TZDate(t, timeZone), 'yyyy-MM-dd EEE HH:mm xxx'),
      localDate: decision.localDate,
    });
  }
  return fired;
}
