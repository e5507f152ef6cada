import { monthName } from '../../rules/calendar';

/**
 * When the admins hear that the monthly summary did not reach the team's channel, pure. The run
 * returns its failures rather than throwing (the invocation succeeds, so no alert fires): without
 * this notice only the log would know.
 */

/** A failed post is retried on every tick; past this many days after the send time the admins are told. */
export const SUMMARY_FAILING_NOTICE_DAYS = 2;

/** What a tick that did not post the summary has to say. */
export type SummaryTrouble =
  | { kind: 'no_channel' }
  | { kind: 'unreachable'; code: string }
  | { kind: 'failed'; error: string; scheduledAt: Date; now: Date };

/**
 * True when this trouble is for the admins: no channel to post in (only the log knew, and the month's
 * summary is never posted unless someone adds the app to a team before the month ends) and a channel
 * that refused the post (the month is closed, nothing will retry it) at once; a post that keeps
 * failing once it has failed past SUMMARY_FAILING_NOTICE_DAYS after the send time (a short outage
 * mends itself on a later tick).
 */
export function summaryNoticeDue(trouble: SummaryTrouble): boolean {
  if (trouble.kind !== 'failed') return true;
  const failingMs = trouble.now.getTime() - trouble.scheduledAt.getTime();
  return failingMs >= SUMMARY_FAILING_NOTICE_DAYS * 86_400_000;
}

/** The admins' text: first line the title, then what to do. */
export function summaryNoticeText(month: string, trouble: SummaryTrouble, locale = 'en-US'): string {
  const name = monthName(month, locale, true);
  if (trouble.kind === 'no_channel')
    return [
      `The monthly summary of ${name} has not been posted: the app is in no team yet, so there is no channel to post it in.`,
      'Add the app to the sales team (its General channel gets the summary), or type "summary here" in the channel you want: it is posted at the next quarter hour, if that is before the month ends. Meanwhile the bot\'s "summary" command shows the card.',
    ].join('\n');
  if (trouble.kind === 'unreachable')
    return [
      `The monthly summary of ${name} was not posted: the team's channel refused it (${trouble.code}).`,
      // A deleted channel: adding the app to its team again would not bring it back.
      trouble.code === 'ConversationNotFound'
        ? 'The channel no longer exists in Teams. Type "summary here" in the channel it should go to; meanwhile the bot\'s "summary" command shows the card.'
        : 'The app was removed from the team, or the channel blocks it. Add the app to the team again (or type "summary here" in a channel); meanwhile the bot\'s "summary" command shows the card.',
    ].join('\n');
  return [
    `The monthly summary of ${name} has not been posted yet: every try since the 1st failed.`,
    `Last error: ${trouble.error.slice(0, 300)}`,
    'It is tried again every 15 minutes; this notice is sent once.',
  ].join('\n');
}
