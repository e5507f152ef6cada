/** The fixed sentences the bot answers with. */
import { chatSafe, countOf, formatCount } from '../../cards/format';
import { LIST_HOLDS } from '../../rules/segments';

export const HELP_TEXT = [
  `Every week I send you a list of ${LIST_HOLDS}. In this chat you can type:`,
  '- **list**: your current list, scored now (**list 2** for the next page)',
  '- **undo**: undo your last action (Reached out, Won back or Lost)',
  '- **summary**: last month’s team summary (managers and admins)',
  '- **help**: this message',
  // A blank line ends the list: without it markdown reads the sentence as part of the last item.
  '',
  'On the weekly card, tap Reached out, Won back or Lost next to a customer; Undo reverses it.',
].join('\n');

/**
 * Help, prefixed with what was not understood, and followed by when the weekly list comes (`when`,
 * e.g. "Mondays at 08:03 your time (America/Denver)") when known.
 */
export function helpFor(unrecognised: string | undefined, when?: string): string {
  const help = when ? `${HELP_TEXT}\n\nYour list comes on ${when}.` : HELP_TEXT;
  if (unrecognised === undefined || unrecognised === '') return help;
  // Echoed into a markdown reply: escaped, so it reads as typed.
  const shown = chatSafe(unrecognised.length > 60 ? `${unrecognised.slice(0, 59)}…` : unrecognised);
  return `I did not get "${shown}".\n\n${help}`;
}

/** `list N` past the list's last page, its numbers written as the cards write them (`locale`). */
export function pastLastPage(page: number, pageCount: number, customers: number, locale: string): string {
  const pages = pageCount === 1 ? 'one page' : countOf(pageCount, 'page', 'pages', locale);
  const who = countOf(customers, 'customer', 'customers', locale);
  return `Your list has ${pages} (${who}), so there is no page ${formatCount(page, locale)}: type **list** for the first.`;
}

export const MALFORMED_SUBMIT =
  'I could not read that button press (the card may be from an older version). Nothing was changed.';

export const UNKNOWN_CUSTOMER =
  'I do not know that customer (they may have left the feed). Nothing was changed.';

/**
 * A customer on the rep's own card (or whom they acted on) who has since moved to another rep in the
 * feed. The rep was shown the name, so saying where they went leaks nothing, and tells them whom to
 * hand the call to.
 */
export function movedToAnotherRep(customerName: string, owner: string): string {
  return `${chatSafe(customerName)} is now with ${chatSafe(owner)}: the order feed moved them to that rep. Only they or an admin can change it now. Nothing was changed.`;
}

export const PERSONAL_ONLY = 'Type that in our 1:1 chat: your list and actions are yours alone.';

export const SUMMARY_FOR_MANAGERS =
  'The team summary is for managers and admins; your own figures are in the My customers tab.';

export const SUMMARY_NOT_AVAILABLE = 'The monthly summary is not available yet.';

export const NOTHING_TO_UNDO = 'You have no action left to undo.';

export const BUSY =
  'Someone else kept changing that customer at the same moment, so nothing was changed. Try again in a moment.';

/** Said at once when `list` takes a while: the card follows in the same chat. */
export const LIST_COMING = 'Working out your list from the order feed: it comes in a moment.';

/** What a message asks to be worked out, in the rep's words ("your list"), and the command that asks again. */
export interface AskedFor {
  words: string;
  command: string;
}

/**
 * Said to a delivery again of a message still being worked out: the first answer is coming, and
 * when to ask again if it does not (its worker may have stopped before it could answer).
 */
export function stillWorking(what: AskedFor, leftMs: number): string {
  const minutes = Math.max(1, Math.ceil(leftMs / 60_000));
  return `Still working out ${what.words}: it comes in a moment. If it has not come in ${minutes === 1 ? 'a minute' : `${minutes} minutes`}, type \`${what.command}\` again.`;
}

/** Said before the answer to a message whose first working out stopped (the instance restarted). */
export function workedOutAgain(what: Pick<AskedFor, 'words'>): string {
  return `The first try at ${what.words} stopped before it was done, so I worked it out again: here it is.`;
}
