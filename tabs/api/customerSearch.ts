/**
 * "My customers" search: text compared without case, accents or umlauts, as a search box in any
 * German program does ("muller" finds "Müller", a Swiss "gross" finds "Groß"), and with the letters
 * that have no accent to strip read as their plain letter ("kilic" finds "Kılıç", "lodz" "Łódź").
 */

/** Letters Unicode does not split into a base letter and a mark, as a keyboard without them types them. */
const PLAIN_LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ı: 'i',
  ł: 'l',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  æ: 'ae',
  œ: 'oe',
};
const NOT_SPLIT = new RegExp(`[${Object.keys(PLAIN_LETTERS).join('')}]`, 'g');
const SPELLED_OUT: Readonly<Record<string, string>> = { ä: 'ae', ö: 'oe', ü: 'ue' };
const UMLAUT = /[äöü]/g;

function plain(lower: string): string {
  return lower
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(NOT_SPLIT, (c) => PLAIN_LETTERS[c]);
}

/**
 * A text as the search compares it, two ways: with the umlauts' dots dropped (Müller: muller) and
 * spelled out (mueller), since an export or a rep may write either ("Mueller GmbH", "müller").
 */
export interface SearchKey {
  plain: string;
  spelledOut: string;
}

/** The search key of a row's text or of what was typed. */
export function searchKey(text: string): SearchKey {
  const lower = text.toLowerCase().normalize('NFC');
  return { plain: plain(lower), spelledOut: plain(lower.replace(UMLAUT, (c) => SPELLED_OUT[c])) };
}

/** Whether `typed` is found in `text` (both search keys); an empty query finds everything. */
export function found(text: SearchKey, typed: SearchKey): boolean {
  return text.plain.includes(typed.plain) || text.spelledOut.includes(typed.spelledOut);
}
