/**
 * How the run ledger keeps a long text (the last valid rules file) in a Table Storage row: in
 * pieces. Apart from the ledger, so the rules file's reader knows the limit without loading the
 * Table Storage client (the CLI's `score` loads none).
 */

/** A Table Storage string holds 64 KiB (32K UTF-16 units): the text is kept in pieces of this many characters. */
export const TEXT_PIECE = 30_000;
/** Pieces kept at most: the entity stays well under its 1 MiB (about 480,000 characters of rules file). */
export const MAX_TEXT_PIECES = 16;
/**
 * The longest rules file the ledger is sure to keep: a piece cut short before a character written as
 * two units holds one unit less. A longer file is not read as rules (feed/readRulesFile.ts).
 */
export const MAX_KEPT_RULES_CHARS = (TEXT_PIECE - 1) * MAX_TEXT_PIECES;

/**
 * `text` in pieces of at most `size` UTF-16 units, never cutting a character written as two (an
 * emoji, a rare CJK letter): half of one alone is no valid string, which a service may refuse or
 * store as a replacement character.
 */
export function textPieces(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let at = 0; at < text.length; ) {
    let end = Math.min(at + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    pieces.push(text.slice(at, end));
    at = end;
  }
  return pieces;
}
