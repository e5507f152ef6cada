import { isoOfDay } from './book';
import { formatShortDate } from './calendar';
import type { Play } from './play';
import type { Rules } from './rulesSchema';
import { SEGMENT_KEY, type Segment } from './segments';
import { type WorksOn, workingDayFrom } from './workingDays';

/** The plan table's tiers (a customer won back twice this year gets no plan with an offer: the play says so). */
export type PlanTier = Exclude<Play['kind'], 'no_offer'>;

/** One row of the plan table: what to do for a kind of name and tier, how, and on which days. */
export interface PlanStep {
  segment: Segment;
  tier: PlanTier;
  action: string;
  channel: string;
  /** Days after the list's date. */
  days: number[];
}

/** The plan-table row for a kind of name and tier (VIP or standard). */
export function planFor(segment: Segment, tier: PlanTier, plans: Rules['plans']): PlanStep {
  const step = plans[SEGMENT_KEY[segment]][tier];
  return { segment, tier, action: step.action, channel: step.channel, days: [...step.days] };
}

/** Where a play's days count from: the list's book day, and the days the team works. */
export interface PlayStart {
  day: number;
  worksOn: WorksOn;
}

/**
 * The book days of a play's steps from its list's day: "day 3" is the third calendar day after the
 * list, or the first working day after it when the team is off then (a weekend, a public holiday, a
 * closed day). Not the third working day: the plan table's spacing is in calendar days (a standard
 * offer on day 3 and its reminder a week later on day 10), a rep reads "day 10" of a Monday list as
 * Thursday of the next week, and the daily digest tells a step that falls due on a day off on the
 * next working day, so the card and the digest name the same day. Two steps that land on one day
 * (both in a closed week) are one contact on it.
 */
export function playDays(plan: Pick<PlanStep, 'days'>, start: PlayStart): number[] {
  const days = plan.days.map((d) => workingDayFrom(start.day + d, start.worksOn));
  return [...new Set(days)].sort((a, b) => a - b);
}

/**
 * The play in words with its days, e.g. `VIP: Personal call + a perk that is not a discount (phone),
 * Mon 14 Sep and Mon 21 Sep` (the days in `locale`, on the team's working days: playDays); without a
 * start they read `day 0 and day 7`.
 */
export function planText(plan: PlanStep, start: PlayStart | null, locale = 'en-US'): string {
  const when =
    start === null
      ? plan.days.map((d) => `day ${d}`)
      : playDays(plan, start).map((d) => formatShortDate(isoOfDay(d), locale));
  const list = when.length > 1 ? `${when.slice(0, -1).join(', ')} and ${when[when.length - 1]}` : when[0];
  const tier = plan.tier === 'vip' ? 'VIP' : 'Standard';
  return `${tier}: ${plan.action} (${plan.channel}), ${list}`;
}
