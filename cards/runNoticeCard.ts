import type { CardJson } from './cardModels';
import { cardTemplate } from './cardTemplate';
import { plainText, truncate } from './format';
import noticeTemplate from './templates/runNotice.json';

/** A run's notice to the admins: a title and its lines, each shown on a line of its own. */
export interface RunNoticeData {
  title: string;
  lines: string[];
}

/** Lines past this many are summed up in one (a card stays well under Teams' message size). */
export const MAX_NOTICE_LINES = 60;
const MAX_LINE_CHARS = 300;

const template = cardTemplate(noticeTemplate);

/**
 * The notice card: one TextRun per line (plain text, never read as markdown: rep addresses and
 * connector errors are shown as they are, control characters removed).
 */
export function buildRunNoticeCard(data: RunNoticeData): CardJson {
  const lines = data.lines.flatMap((l) => sentenceLines(plainText(l)));
  const shown = lines.slice(0, MAX_NOTICE_LINES).map((l) => truncate(l, MAX_LINE_CHARS));
  const more = lines.length - shown.length;
  if (more > 0) shown.push(`and ${more} more lines (see the run's log)`);
  return template.expand({
    $root: { title: truncate(plainText(data.title), MAX_LINE_CHARS), lines: shown.map((text) => ({ text })) },
  }) as CardJson;
}

/**
 * A line too long to show whole, as its sentences, each on a line of its own: a feed's message
 * (what is wrong, then what to do) is cut only where one sentence alone is too long.
 */
function sentenceLines(line: string): string[] {
  return line.length <= MAX_LINE_CHARS ? [line] : line.split(/(?<=[.?!])\s+(?=["'A-Z])/);
}
