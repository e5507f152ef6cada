/**
 * The most a card may take, as Teams counts it. Teams refuses a bot message over about 100 KB with
 * 413 MessageSizeTooBig, and recommends keeping the message within 80 KB to be sure it is delivered
 * (learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages).
 */
export const MAX_CARD_BYTES = 80 * 1024;

/**
 * The card's size as Teams counts a message: its JSON encoded as UTF-16, two bytes per code unit
 * (a JavaScript string's length). UTF-8 would count plain ASCII at half that.
 */
export function cardBytes(card: object): number {
  return 2 * JSON.stringify(card).length;
}

/** Why a card cannot be sent, or null when it fits. */
export function oversizeError(card: object): string | null {
  const bytes = cardBytes(card);
  return bytes > MAX_CARD_BYTES
    ? `card is ${bytes} bytes as Teams counts it (UTF-16), over the ${MAX_CARD_BYTES} limit`
    : null;
}
