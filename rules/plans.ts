import { isoOfDay } from './book';
import { formatShortDate } from './calendar';
import type { Play } from './play';
import type { Rules } from './rulesSchema';
import { SEGMENT_KEY, type Segment } from './segments';

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

/**
 * The play in words with its days, e.g. `VIP: Personal call + a perk that is not a discount (phone),
 * Mon 14 Sep and Mon 21 Sep` (the days in `locale`); without a start day they read `day 0 and day 7`.
 */
export function planText(plan: PlanStep, startDay: number | null = null, locale = 'en-US'): string {
  const when = plan.days.map((d) =>
    startDay === null ? `day ${d}` : formatShortDate(isoOfDay(startDay + d), locale),
  );
  const list = when.length > 1 ? `${when.slice(0, -1).join(', ')} and ${when[when.length - 1]}` : when[0];
  const tier = plan.tier === 'vip' ? 'VIP' : 'Standard';
  return `${tier}: ${plan.action} (${plan.channel}), ${list}`;
}
