export { digestCardDataFor, FOLLOW_UPS_ACTOR, repDigests } from './digestFor';
export type { FollowUpsDone, FollowUpsReport } from './followUpsReport';
export { type FollowUpsRunDeps, runFollowUps } from './followUpsRun';
