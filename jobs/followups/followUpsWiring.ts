import type { Config } from '../../functions/config';
import { type WeeklyWiringOptions, weeklyRunDeps } from '../weekly/weeklyWiring';
import type { FollowUpsRunDeps } from './followUpsRun';

/** The daily run's dependencies: the weekly run's own (storage, cards, rules, feed, sender, admin notice). */
export async function followUpsRunDeps(
  config: Config,
  options: WeeklyWiringOptions,
): Promise<FollowUpsRunDeps> {
  const { config: _weekly, ...shared } = await weeklyRunDeps(config, options);
  return { ...shared, config: { timeZone: config.timeZone } };
}
