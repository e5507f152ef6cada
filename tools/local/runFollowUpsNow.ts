import { runAsCommand, runJobCommand } from './adminCommand';
import { ADMIN_FUNCTIONS } from './settings';

/**
 * `npm run followups`: asks the running local stack (`npm start`) to run today's follow-up digests
 * now, through the local host's admin route, with the stack's settings and clock. Same run-key rules
 * as the timer: a second run the same day sends nothing twice.
 */

/** Runs `npm run followups`; returns the process exit code (1 when a rep's digest failed to go out). */
export function runFollowUpsNow(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  return runJobCommand(
    ADMIN_FUNCTIONS.followups,
    "npm run followups: send today's follow-up digests now from the running local stack.",
    argv,
  );
}

if (require.main === module) runAsCommand(runFollowUpsNow);
