import type { FeedFormats } from '../rules/feedFormats';
import type { FeedEngine } from './feedEngine';
import { sqlString } from './feedEngine';

/**
 * Dates and amounts as real exports write them, parsed in DuckDB SQL so twenty million rows never
 * pass through JavaScript one by one. The formats are settled per column from the whole column
 * (or declared in the rules file), never guessed row by row.
 *
 * Dates: `2026-11-20` (also with `/` or `.`), with or without a time and an offset, taken on the
 * calendar date as written (`2026-11-20 23:30 -0500` is the 20th); `20/11/2026` or `11/20/2026`
 * (two-digit years are 20xx) when that is the column's most common shape and its order is settled
 * by a day above 12 or declared; `20 Nov 2026`, `Nov 20, 2026`, `20-Nov-26`, `Nov-20-26`.
 * Amounts: currency signs and codes (`$`, `£`, `€`, `USD`), thousands separators (`1,200.00`,
 * `1.200,00`, `1 200,00`, `1'200.00`, lakhs and crores: `1,20,000.00`), a decimal comma where the column settles it or it is declared,
 * negatives in accounting notation (`(1,234.56)`, `1.234,56-`, `150.00 CR`).
 */

/** A time after the date: `T14:05`, ` 14:05:00.123`, ` 2:05 PM`, then an optional zone (`Z`, `-0500`, `+01:00`, `UTC`). */
const TIME =
  '(?:(?:[T ]\\s*)(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d(?:[.,]\\d+)?)?(?:\\s*[AaPp][Mm])?(?:\\s*(?:Z|UTC|GMT|[+-](?:[01]\\d|2[0-3])(?::?[0-5]\\d)?))?)?';
const YMD = `(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})${TIME}`;
const XXY = `(\\d{1,2})[-/.](\\d{1,2})[-/.](\\d{4}|\\d{2})${TIME}`;
const MONTHS = 'jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec';
/** `20 Nov 2026`, `20-November-2026`, and Excel's `d-mmm-yy`: `20-Nov-26` (two-digit years are 20xx). */
const D_MON_Y = `(\\d{1,2})[ -]((?i:${MONTHS})[a-z]*)\\.?[ -](\\d{4}|\\d{2})${TIME}`;
/** `Nov 20, 2026`, and eBay's orders report's `Nov-20-26` (month first: the month's name says so). */
const MON_D_Y = `((?i:${MONTHS})[a-z]*)\\.?(?: (\\d{1,2}),? |-(\\d{1,2})-)(\\d{4}|\\d{2})${TIME}`;
/** Eight digits, year first (`19970101`), as CDNOW's raw file, SAP and many mainframe exports write dates. */
const COMPACT = '(\\d{4})(\\d{2})(\\d{2})';

export type DateOrder = 'day-first' | 'month-first';

/** How a date column was settled, for the report and for parsing. */
export interface DateColumnFormat {
  /** How to read 03/04/2026 in this column; null when such dates are not read (not the column's shape). */
  order: DateOrder | null;
  /** What settled it, for the report (undefined when the column has no such dates). */
  note?: string;
  /** Read a number of five digits as Excel's date serial (days since 1899-12-30): in a workbook only. */
  serials?: boolean;
  /** Read eight digits as a date written YYYYMMDD (declared in formats.date). */
  compact?: boolean;
}

/**
 * An Excel date serial as a workbook cell holds it when the cell is formatted as a number, not as a
 * date (a pasted column, a sheet built by another tool): 46346 is 2026-11-20. Five digits are the
 * years 1927 to 2173; a time of day is the fraction.
 */
export const EXCEL_SERIAL = '\\d{5}(?:\\.\\d+)?';
/** Excel's serial of 1970-01-01, the day numbers' day 0. */
const EXCEL_SERIAL_EPOCH = 25569;

/**
 * SQL: a text file's value is Excel's date serial of a day from 1990 to 2099 (32874 to 73050), as a
 * workbook's dates saved as numbers are; five digits outside them (`10234` would be 1928) are ids.
 */
const savedSerial = (v: string) =>
  `(regexp_full_match(${v}, '${EXCEL_SERIAL}') AND TRY_CAST(${v} AS DOUBLE) >= 32874 AND TRY_CAST(${v} AS DOUBLE) < 73051)`;

const part = (v: string, re: string, k: number) => `regexp_extract(${v}, '^${re}$', ${k})`;
const num = (text: string) => `TRY_CAST(${text} AS INTEGER)`;
const monthOf = (text: string) =>
  `(list_position(['jan','feb','mar','apr','may','jun','jul','aug','sep','oct','nov','dec'], lower(left(${text}, 3))))`;

/** SQL: the year of its text, a two-digit year read as 20xx. */
const yearOf = (text: string) =>
  `(CASE WHEN length(${text}) = 2 THEN 2000 + ${num(text)} ELSE ${num(text)} END)`;

/** SQL: the day number (days since 1970-01-01) of y/m/d integers, NULL when not a real date in 1900-2199. */
function dayFromParts(y: string, m: string, d: string): string {
  return `(CASE WHEN ${y} BETWEEN 1900 AND 2199 THEN (try_strptime(printf('%04d-%02d-%02d', ${y}, ${m}, ${d}), '%Y-%m-%d')::DATE - DATE '1970-01-01')::INTEGER END)`;
}

/** SQL: the day number of `v` read as YYYYMMDD, NULL when those are no real date. */
const compactDay = (v: string) =>
  dayFromParts(num(part(v, COMPACT, 1)), num(part(v, COMPACT, 2)), num(part(v, COMPACT, 3)));

/** SQL: the day number of the text `v` under the column's format, NULL when it is not a date. */
export function dayExpression(v: string, format: DateColumnFormat): string {
  const ymd = dayFromParts(num(part(v, YMD, 1)), num(part(v, YMD, 2)), num(part(v, YMD, 3)));
  const dmonY = dayFromParts(
    yearOf(part(v, D_MON_Y, 3)),
    monthOf(part(v, D_MON_Y, 2)),
    num(part(v, D_MON_Y, 1)),
  );
  const monDY = dayFromParts(
    yearOf(part(v, MON_D_Y, 4)),
    monthOf(part(v, MON_D_Y, 1)),
    num(`${part(v, MON_D_Y, 2)} || ${part(v, MON_D_Y, 3)}`),
  );
  const year = yearOf(part(v, XXY, 3));
  const first = num(part(v, XXY, 1));
  const second = num(part(v, XXY, 2));
  const xxy =
    format.order === 'day-first'
      ? dayFromParts(year, second, first)
      : format.order === 'month-first'
        ? dayFromParts(year, first, second)
        : 'NULL';
  const serial = format.serials
    ? `WHEN regexp_full_match(${v}, '${EXCEL_SERIAL}') THEN (floor(TRY_CAST(${v} AS DOUBLE))::INTEGER - ${EXCEL_SERIAL_EPOCH})`
    : '';
  const compact = format.compact ? `WHEN regexp_full_match(${v}, '${COMPACT}') THEN ${compactDay(v)}` : '';
  return `(CASE
    ${serial}
    ${compact}
    WHEN regexp_full_match(${v}, '${YMD}') THEN ${ymd}
    WHEN regexp_full_match(${v}, '${XXY}') THEN ${xxy}
    WHEN regexp_full_match(${v}, '${D_MON_Y}') THEN ${dmonY}
    WHEN regexp_full_match(${v}, '${MON_D_Y}') THEN ${monDY}
  END)`;
}

/** What a date column's values look like, counted over the whole column. */
interface DateShapes {
  ymd: number;
  xxy: number;
  named: number;
  /** Eight digits that are a real date read as YYYYMMDD, and the first of them. */
  compact: number;
  compactExample: string | null;
  /** Rows of shape xxy whose first / second number is above 12, and the first such value and row. */
  firstAbove12: number;
  secondAbove12: number;
  firstExample: string | null;
  secondExample: string | null;
  ambiguousExample: string | null;
}

/**
 * Why a date column cannot be read without a word from the rules file: its dates read two ways
 * (`03/04/2026`), or they are written as eight digits (`19970101`); or cannot be read from a text
 * file at all: Excel's date serials (`46346`, with `day` the day number of the example).
 */
export type UnsettledDates =
  | { shape: 'day or month first'; example: string }
  | { shape: 'yyyymmdd'; example: string }
  | { shape: 'excel serial'; example: string; day: number };

/**
 * Settles how a date column reads dates like 03/04/2026: only when that is the column's most common
 * shape (an ISO column's stray `31/12/2025` stays a bad row), by the declared order unless the
 * column's dates prove only the other one, else by a day above 12 in either place. An unsettled
 * column stops the read: `onUnsettled` gets an example.
 *
 * Eight digits (`19970101`) are read as YYYYMMDD only where formats.date declares it. A column whose
 * most common shape they are, as real dates, stops the read asking for that declaration: read
 * unasked, a date column mapped by mistake to eight-digit invoice numbers (20261120 is one) would
 * turn them into dates without a word, while one line in the rules file settles it, as it settles
 * the day order. A stray one in a column of other dates stays a bad row: there it is a typo more
 * often than a format.
 *
 * With `dateCells` (a workbook, whose date cells read as ISO dates), the ISO dates are cells rather
 * than the column's written shape: dates typed as text beside them (`13/10/2026`, where a cell was
 * formatted as text) are read too when they settle the order themselves or it is declared; else they
 * stay bad rows, as a handful of typed dates in a column of cells is no reason to stop.
 */
export async function settleDateColumn(
  engine: FeedEngine,
  table: string,
  v: string,
  declared: FeedFormats['date'],
  onUnsettled: (why: UnsettledDates) => never,
  { dateCells = false }: { dateCells?: boolean } = {},
): Promise<DateColumnFormat> {
  const [row] = await engine.rows(`
    SELECT
      sum(n) FILTER (WHERE regexp_full_match(${v}, '${YMD}')),
      sum(n) FILTER (WHERE regexp_full_match(${v}, '${XXY}')),
      sum(n) FILTER (WHERE regexp_full_match(${v}, '${D_MON_Y}') OR regexp_full_match(${v}, '${MON_D_Y}')),
      sum(n) FILTER (WHERE regexp_full_match(${v}, '${XXY}') AND ${num(part(v, XXY, 1))} > 12),
      sum(n) FILTER (WHERE regexp_full_match(${v}, '${XXY}') AND ${num(part(v, XXY, 2))} > 12),
      min(${v}) FILTER (WHERE regexp_full_match(${v}, '${XXY}') AND ${num(part(v, XXY, 1))} > 12),
      min(${v}) FILTER (WHERE regexp_full_match(${v}, '${XXY}') AND ${num(part(v, XXY, 2))} > 12),
      min(${v}) FILTER (WHERE regexp_full_match(${v}, '${XXY}') AND ${num(part(v, XXY, 1))} <> ${num(part(v, XXY, 2))}),
      sum(n) FILTER (WHERE regexp_full_match(${v}, '${COMPACT}') AND ${compactDay(v)} IS NOT NULL),
      min(${v}) FILTER (WHERE regexp_full_match(${v}, '${COMPACT}') AND ${compactDay(v)} IS NOT NULL),
      sum(n) FILTER (WHERE ${savedSerial(v)}),
      min(${v}) FILTER (WHERE ${savedSerial(v)})
    FROM ${table}`);
  const shapes: DateShapes = {
    ymd: Number(row[0] ?? 0),
    xxy: Number(row[1] ?? 0),
    named: Number(row[2] ?? 0),
    firstAbove12: Number(row[3] ?? 0),
    secondAbove12: Number(row[4] ?? 0),
    firstExample: row[5] === null ? null : String(row[5]),
    secondExample: row[6] === null ? null : String(row[6]),
    ambiguousExample: row[7] === null ? null : String(row[7]),
    compact: Number(row[8] ?? 0),
    compactExample: row[9] === null ? null : String(row[9]),
  };
  const compact = declared === 'yyyymmdd';
  // Outside a workbook five digits are not read as dates (they may be ids mapped by mistake), but
  // a column mostly of them is a workbook's dates saved as numbers: say so rather than skip each.
  const serials = Number(row[10] ?? 0);
  if (!dateCells && serials > Math.max(shapes.ymd, shapes.xxy, shapes.named, shapes.compact)) {
    const example = String(row[11]);
    return onUnsettled({
      shape: 'excel serial',
      example,
      day: Math.floor(Number(example)) - EXCEL_SERIAL_EPOCH,
    });
  }
  if (!compact && shapes.compact > Math.max(shapes.ymd, shapes.xxy, shapes.named))
    return onUnsettled({ shape: 'yyyymmdd', example: shapes.compactExample ?? '' });
  const format = settleDayOrder(shapes, compact ? undefined : declared, dateCells, onUnsettled);
  if (!compact) return format;
  const note =
    shapes.compact > 0
      ? `dates of eight digits read as YYYYMMDD (declared in formats.date: ${quoteSql(shapes.compactExample)} is ${isoOfCompact(shapes.compactExample ?? '')})`
      : undefined;
  const notes = [note, format.note].filter((n) => n !== undefined);
  return { ...format, compact, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
}

/** `19970101` as `1997-01-01`. */
export const isoOfCompact = (text: string) => `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;

/** settleDateColumn's reading of dates like 03/04/2026, `declared` the day order formats.date gives. */
function settleDayOrder(
  shapes: DateShapes,
  declared: DateOrder | undefined,
  dateCells: boolean,
  onUnsettled: (why: UnsettledDates) => never,
): DateColumnFormat {
  const minority = shapes.xxy < Math.max(shapes.ymd, shapes.named, shapes.compact);
  if (shapes.xxy === 0 || (minority && !dateCells)) return { order: null };
  const dayFirst = shapes.firstAbove12 > 0;
  const monthFirst = shapes.secondAbove12 > 0;
  if (minority && !declared && !dayFirst && !monthFirst) return { order: null };
  if (declared) {
    // formats.date is for a file that cannot settle the order itself. Where every date that settles
    // it says the other order (a day above 12 where the declaration wants a month), the declaration is
    // a mistake: obeyed, it would turn 03/10 into 10 March and make 20/11 a bad row.
    const [confirming, contradicting] =
      declared === 'day-first' ? [dayFirst, monthFirst] : [monthFirst, dayFirst];
    if (contradicting && !confirming) {
      const order: DateOrder = declared === 'day-first' ? 'month-first' : 'day-first';
      const example = quoteSql(order === 'day-first' ? shapes.firstExample : shapes.secondExample);
      return {
        order,
        note: `dates read ${order}, not ${declared} as formats.date says: ${example} can only be ${order} (remove formats.date from the rules file, or set it to "${order}")`,
      };
    }
    return { order: declared, note: `dates read ${declared} (declared in formats.date)` };
  }
  if (dayFirst && (!monthFirst || shapes.firstAbove12 >= shapes.secondAbove12))
    return { order: 'day-first', note: `dates read day-first (settled by ${quoteSql(shapes.firstExample)})` };
  if (monthFirst)
    return {
      order: 'month-first',
      note: `dates read month-first (settled by ${quoteSql(shapes.secondExample)})`,
    };
  return onUnsettled({ shape: 'day or month first', example: shapes.ambiguousExample ?? '01/01/2026' });
}

const quoteSql = (text: string | null) => JSON.stringify(text ?? '');

/** Both readings of a date like 03/04/2026, in words, for the ambiguity message. */
export function bothReadings(example: string): { dayFirst: string; monthFirst: string } {
  const m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2,4})/.exec(example);
  const names = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ];
  if (!m) return { dayFirst: example, monthFirst: example };
  const year = m[3].length === 2 ? `20${m[3]}` : m[3];
  const [a, b] = [Number(m[1]), Number(m[2])];
  return {
    dayFirst: `${a} ${names[b - 1] ?? '?'} ${year}`,
    monthFirst: `${names[a - 1] ?? '?'} ${b}, ${year}`,
  };
}

/** Largest amount or monthly value taken: beyond it a value is a typo (or 1e308), not a sale. */
export const MAX_AMOUNT = 1_000_000_000;

/** Currencies as their locales write them in letters, in place of a sign: krona and krone, złoty, koruna, forint, franc, leu, rupee and rupiah, ringgit. */
const LOCAL_CURRENCY = '(?i:kr|zł|kč|ft|fr|lei|rs|rp|rm)\\.?';

/**
 * SQL: the text without currency signs or codes, spaces or apostrophes, an accounting notation of a
 * negative made a minus: `(45.00)`, `£(45.00)`, `(£45.00)`, `45.00-` (the trailing minus of SAP, Sage
 * and older ledgers) and `45.00 CR` (a credit, as SAP's reports and ledgers print it) become
 * `-45.00`; `45.00 DR` (a debit) is `45.00`. Two signs at once (`-(45.00)`, `(45.00) CR`) are not
 * a number: which was meant cannot be told.
 */
function bareNumber(v: string): string {
  // Each rewrite only where its mark is: a regular expression over every one of millions of values
  // that have none tripled the time the amounts took. A credit's minus goes after a currency sign or
  // code written before the number (`USD 45.00 CR` is `USD -45.00`), which is then taken off.
  const signed = `(CASE
    WHEN right(${v}, 1) NOT IN ('r', 'R') THEN ${v}
    WHEN regexp_matches(${v}, '\\d\\s*[cC][rR]$') THEN regexp_replace(${v}, '^([^\\d-]*?)(\\d.*\\d)\\s*[cC][rR]$', '\\1-\\2')
    ELSE regexp_replace(${v}, '^(.*\\d)\\s*[dD][rR]$', '\\1') END)`;
  // A currency sign or code may stand outside the parentheses (`£(45.00)`, `USD (45.00)`), and a
  // minus written before a currency in letters goes after it (`-USD 45.00`, `-kr 1.234,56`, and
  // `(RM45.00)` made `-RM45.00`), as the letters are taken off the start only.
  const unwrapped = `(CASE WHEN contains(${signed}, '(') OR starts_with(${signed}, '-') THEN regexp_replace(regexp_replace(${signed},
      '^([^(\\d-]*)\\((.*)\\)$', '\\1-\\2'), '^-\\s*([A-Za-z]{3}|(?:US|AU|CA|NZ|HK|R)\\$|${LOCAL_CURRENCY})', '\\1-') ELSE ${signed} END)`;
  // Spaces of every width: Windows 10 and later group fr-FR digits with a narrow no-break space
  // (`1 200,50 €`), and de-CH with a right single quote (`3’000.25`). The currency signs (`₺`,
  // `₩`; not `¢`, which would make `50¢` 50), and the currencies Excel writes in letters shorter
  // than a code (`1 200,50 kr`, `99,90 zł`, `Fr. 7.50`), named one by one: other letters (`1.5k`,
  // `2 kg`) are no amount.
  const bare = `regexp_replace(${unwrapped}, '[£$€¥₹₩₺₽₪₫฿₦₱₴₸₼₾₡\\s\\p{Zs}''’]|^[A-Za-z]{3}|[A-Za-z]{3}$|^(?:US|AU|CA|NZ|HK|R)(?:\\$)|^${LOCAL_CURRENCY}|${LOCAL_CURRENCY}$', '', 'g')`;
  // Most amounts are digits and separators only (`45.00`, `-1,200.50`), which none of the above
  // changes: they skip it, which takes 40% off the time over two million distinct amounts.
  return `(CASE WHEN regexp_full_match(${v}, '-?[\\d.,]+') THEN ${v} ELSE regexp_replace(${bare}, '^(\\d[\\d.,]*)-$', '-\\1') END)`;
}

/**
 * Lakhs and crores, as Tally and Excel in India group digits: the last group of three, groups of two
 * before it (`1,20,000`, `1,00,00,000`). Never a decimal comma: it holds two commas or more.
 */
const INDIAN_GROUPS = '\\d{1,2}(?:,\\d{2})+,\\d{3}';
const DOT_NUMBER = `[+-]?(?:\\d{1,3}(?:,\\d{3})+|${INDIAN_GROUPS}|\\d+)?(?:\\.\\d*)?(?:[eE][+-]?\\d+)?`;
const COMMA_NUMBER = '[+-]?(?:\\d{1,3}(?:\\.\\d{3})+|\\d+)(?:,\\d*)?';

export type DecimalMark = '.' | ',';

/**
 * A workbook's number cell as its text reads (JavaScript's shortest form of the number: `75.5`,
 * `1200`, `1e-7`, never a trailing zero after the point), which text typed with a separator of
 * thousands (`1.200`) is not.
 */
export const CELL_NUMBER = '-?\\d+(?:\\.\\d*[1-9])?(?:e[+-]\\d+)?';

/**
 * Both separators, a group of thousands before the decimal part: `1,200.50` and `1.200,50` read
 * one way only, whatever mark the column is read with; so do two groups of thousands or more
 * (`1,200,000`, `1.200.000`: a decimal mark is written once) and lakhs and crores (`1,20,000`).
 */
const POINT_AFTER_THOUSANDS = `[+-]?(?:\\d{1,3}(?:,\\d{3})+\\.\\d+|\\d{1,3}(?:,\\d{3}){2,}|${INDIAN_GROUPS}(?:\\.\\d*)?)`;
const COMMA_AFTER_THOUSANDS = '[+-]?\\d{1,3}(?:(?:\\.\\d{3})+,\\d+|(?:\\.\\d{3}){2,})';

const pointCast = (bare: string) => `TRY_CAST(replace(${bare}, ',', '') AS DOUBLE)`;
const commaCast = (bare: string) => `TRY_CAST(replace(replace(${bare}, '.', ''), ',', '.') AS DOUBLE)`;

/**
 * SQL: the amount of the text `v` read with `decimal` as the decimal mark, NULL when it is not a
 * number; with `asWritten`, a value with both separators (`1,200.00` read with a comma) is read as
 * its own characters say. Its test runs only where the mark's own reading failed: the common
 * values pay nothing for it.
 */
function markedAmount(v: string, decimal: DecimalMark, asWritten: boolean): string {
  const bare = bareNumber(v);
  if (decimal === ',') {
    const other = asWritten
      ? `WHEN regexp_full_match(${bare}, '${POINT_AFTER_THOUSANDS}') THEN ${pointCast(bare)}`
      : '';
    return `(CASE WHEN regexp_full_match(${bare}, '${COMMA_NUMBER}') THEN ${commaCast(bare)} ${other} END)`;
  }
  const other = asWritten
    ? `WHEN regexp_full_match(${bare}, '${COMMA_AFTER_THOUSANDS}') THEN ${commaCast(bare)}`
    : '';
  return `(CASE WHEN regexp_full_match(${bare}, '${DOT_NUMBER}') AND regexp_matches(${bare}, '\\d') THEN ${pointCast(bare)} ${other} END)`;
}

/**
 * A workbook's cells, where number cells hold numbers: `textCells`, SQL of a query of the texts of
 * its text cells that are shaped as a number cell's text (`1.201` typed by a German export), which
 * read as text. A text written both ways in one column, `1.201` as text and 1.201 as a number, is
 * read as text: one value cannot be told apart there.
 */
export interface NumberCells {
  textCells: string;
}

/** SQL: the text `v` is a number cell's, in a workbook of `cells`. */
const numberCellSql = (v: string, cells: NumberCells) =>
  `(regexp_full_match(${v}, '${CELL_NUMBER}') AND ${v} NOT IN (${cells.textCells}))`;

/**
 * SQL: the amount of the text `v` read with `decimal` as the decimal mark, NULL when it is not a
 * number. The mark settles only what reads both ways: a value with both separators (`1,200.00`,
 * `1.200,50`) reads as written, so a mark declared for one file's amounts leaves another's be.
 * With `numberCells` (a workbook) a number cell's text reads as the number whatever the mark.
 */
export function amountExpression(v: string, decimal: DecimalMark, numberCells?: NumberCells): string {
  const amount = markedAmount(v, decimal, true);
  return numberCells && decimal === ','
    ? `(CASE WHEN ${numberCellSql(v, numberCells)} THEN TRY_CAST(${v} AS DOUBLE) ELSE ${amount} END)`
    : amount;
}

/**
 * A currency every locale of which writes a decimal comma (krona and krone, złoty, koruna, forint,
 * leu, rupiah, lira, rouble, hryvnia, dong, tenge, manat, lari, colón), and one every locale of which
 * writes a point (pound, rupee, ringgit, yen and yuan, won, shekel, baht, naira, Philippine peso):
 * a value of theirs that reads both ways (`1.200 kr`, `£1,200`) is read as its currency writes it.
 * Not `$`, `€` or `Fr.`: `$1.200` is 1,200 pesos in Santiago, `€1,200` 1,200 euros in Dublin.
 */
const COMMA_CURRENCY = '[₺₽₴₫₸₼₾₡]|(?i:(?:^|[\\s(-])(?:kr|zł|kč|ft|lei|rp)\\.?(?:$|[\\s\\d)-]))';
const POINT_CURRENCY = '[£₹¥₩₪฿₦₱]|(?i:(?:^|[\\s(-])(?:rs|rm)\\.?(?:$|[\\s\\d)-]))';

/**
 * Why an amount column cannot be read without a word from the rules file: its values read two ways
 * (`1.200`: what it is with a decimal comma and with a point), or, in a comma-separated file, most
 * are written with a decimal comma (`"58,32 €"`).
 */
export type UnsettledAmounts =
  | { shape: 'both ways'; example: string; withComma: number; withPoint: number }
  | { shape: 'decimal comma'; example: string };

/**
 * The decimal mark of an amount column: a decimal point in Parquet's typed numbers, whatever is
 * declared; else declared, else a decimal point in a comma-separated file (there `12,50` is more
 * often a broken row than a price), else the
 * reading more values need (in a workbook, `numberCells`, more of its values typed as text; in a
 * Parquet text column, `textColumn`, more of its values): `45,00` and `1.234,56` read only with a decimal comma, `12.50`
 * and `1,234.56` only with a point (as many each way: a comma, as a tie of dates goes day-first). A
 * value with one separator and three digits after it (`1.200`, `1,200`) reads either way (1.2 or
 * 1200) and does not vote, unless its currency writes one mark only (`1.200 kr`, `£1,200`): it
 * follows the others, and where no value settles it the read stops (`onUnsettled`) rather than guess
 * a thousandfold.
 */
export async function settleDecimalMark(
  engine: FeedEngine,
  table: string,
  v: string,
  declared: FeedFormats['decimal'],
  delimiter: string | undefined,
  onUnsettled: (why: UnsettledAmounts) => never,
  { numberCells, textColumn = false }: { numberCells?: NumberCells; textColumn?: boolean } = {},
): Promise<{ decimal: DecimalMark; note?: string }> {
  // Parquet's typed numbers carry no mark, declared or not: a comma declared for a `;` file beside
  // it made 45.125 read 45125.
  if (delimiter === undefined && !numberCells && !textColumn) return { decimal: '.' };
  // A workbook's number cells carry no mark: its amounts typed as text (`1.200,50 €`) settle it.
  const values = numberCells ? `(SELECT * FROM ${table} WHERE NOT ${numberCellSql(v, numberCells)})` : table;
  if (declared) return { decimal: declared, note: await declaredMarkNote(engine, values, v, declared) };
  // A value that reads both ways votes as its currency writes it (`m`), where its currency tells.
  const onlyComma = `c IS NOT NULL AND (p IS NULL OR m = ',')`;
  const onlyPoint = `p IS NOT NULL AND (c IS NULL OR m = '.')`;
  const twoWays = 'c <> p AND m IS NULL';
  // Each value parsed once both ways (in the subquery), however many filters read it; strictly, so
  // that `1,234.56` counts for a point only.
  const [row] = await engine.rows(`
    SELECT sum(n) FILTER (WHERE ${onlyComma}), min(v) FILTER (WHERE ${onlyComma}),
           sum(n) FILTER (WHERE ${onlyPoint}), min(v) FILTER (WHERE ${onlyPoint}),
           min(v) FILTER (WHERE ${twoWays}), arg_min(c, v) FILTER (WHERE ${twoWays}), arg_min(p, v) FILTER (WHERE ${twoWays}),
           sum(n) FILTER (WHERE v <> '')
    FROM (SELECT *, CASE WHEN c <> p THEN CASE WHEN regexp_matches(v, '${COMMA_CURRENCY}') THEN ','
                                               WHEN regexp_matches(v, '${POINT_CURRENCY}') THEN '.' END END AS m
          FROM (SELECT ${v} AS v, n, ${markedAmount(v, ',', false)} AS c, ${markedAmount(v, '.', false)} AS p FROM ${values}))`);
  const commas = Number(row[0] ?? 0);
  const points = Number(row[2] ?? 0);
  const text = (i: number) => (row[i] === null ? null : String(row[i]));
  const ambiguous = text(4);
  const reads = (mark: DecimalMark) =>
    ambiguous === null ? '' : `; ${JSON.stringify(ambiguous)} is ${Number(row[mark === ',' ? 5 : 6])}`;
  // There `12,50` is more often a broken row than a price, but not when most values are so written:
  // an export quoting its decimal commas, which would otherwise lose every order unexplained.
  if (delimiter === ',' && points === 0 && commas * 2 > Number(row[7] ?? 0))
    return onUnsettled({ shape: 'decimal comma', example: String(row[1]) });
  if (delimiter === ',')
    return {
      decimal: '.',
      note:
        ambiguous === null || points > 0
          ? undefined
          : `decimal points (as in any comma-separated file)${reads('.')}`,
    };
  if (commas > 0 && commas >= points)
    return { decimal: ',', note: `decimal commas (settled by ${JSON.stringify(text(1))})${reads(',')}` };
  if (points > 0)
    return {
      decimal: '.',
      note:
        ambiguous === null
          ? undefined
          : `decimal points (settled by ${JSON.stringify(text(3))})${reads('.')}`,
    };
  if (ambiguous === null) return { decimal: '.' };
  return onUnsettled({
    shape: 'both ways',
    example: ambiguous,
    withComma: Number(row[5]),
    withPoint: Number(row[6]),
  });
}

/**
 * What a declared decimal mark did to a column's values (`values`, a table or subquery), in words:
 * the values it decided (`45,50`, `1.200` read with a comma), and those read as written whatever it
 * says (`1,200.00`). Saying the mark was declared of a file it decided nothing in misleads whoever
 * checks why an amount is what it is. Undefined for a point that decided all (the default mark).
 */
async function declaredMarkNote(
  engine: FeedEngine,
  values: string,
  v: string,
  declared: DecimalMark,
): Promise<string | undefined> {
  const other: DecimalMark = declared === ',' ? '.' : ',';
  const own = markedAmount(v, declared, false);
  const asWritten = `(${own} IS NULL AND ${markedAmount(v, declared, true)} IS NOT NULL)`;
  const [row] = await engine.rows(`
    SELECT sum(n) FILTER (WHERE ${own} IS NOT NULL AND ${own} IS DISTINCT FROM ${markedAmount(v, other, false)}),
           sum(n) FILTER (WHERE ${asWritten}), min(${v}) FILTER (WHERE ${asWritten})
    FROM ${values}`);
  const decided = Number(row[0] ?? 0);
  const written = Number(row[1] ?? 0);
  const marks = declared === ',' ? 'decimal commas' : 'decimal points';
  const declaredNote = `${marks} (declared in formats.decimal)`;
  if (written === 0) return decided > 0 && declared === ',' ? declaredNote : undefined;
  const how = `read as written, with a decimal ${other === '.' ? 'point' : 'comma'} (${JSON.stringify(String(row[2]))})`;
  if (decided === 0)
    return `${how}: the decimal ${declared === ',' ? 'comma' : 'point'} formats.decimal declares decided no value`;
  const count = `${written.toLocaleString('en-US')} ${written === 1 ? 'value' : 'values'} ${how}`;
  return `${declaredNote}; ${count}`;
}

/** SQL: a value as it appears in a reason, JSON-quoted and cut at 60 characters. */
export function quotedSql(v: string): string {
  return `to_json(CASE WHEN length(${v}) > 60 THEN left(${v}, 57) || '...' ELSE ${v} END)::VARCHAR`;
}

export { sqlString };

/**
 * Document types of a credit, as accounting exports write them in a type column: Xero's `Sales
 * credit note` (its API's `ACCRECCREDIT`), QuickBooks' `Credit Memo` and `Refund Receipt`, Sage 50's
 * `SC`, Sage Accounting's `Credit Note`.
 */
const CREDIT_TYPES = [
  'credit note',
  'sales credit note',
  'accreccredit',
  'credit memo',
  'refund receipt',
  'sc',
];

/**
 * Types of a line that moves money from the payments account to the shop's bank, which a card
 * reader's transaction report lists beside the sales it pays out (SumUp's `Auszahlung`, `Payout`
 * in English), with the sale's id and amount: not a sale, and naming no customer.
 */
const PAYOUT_TYPES = ['auszahlung', 'payout'];

/** SQL: the text `v` of a type column names a payout to the shop's bank. */
export const payoutTypeSql = (v: string) =>
  `lower(${v}) IN (${PAYOUT_TYPES.map((t) => sqlString(t)).join(', ')})`;

/**
 * SQL: the text `v` of a type column names a credit. Some exports write a credit note's amounts
 * positive, its type alone saying it is one (Xero's invoices export writes credit notes as its
 * import template takes them): read as they are, they would count as invoices.
 */
export const creditTypeSql = (v: string) =>
  `lower(${v}) IN (${CREDIT_TYPES.map((t) => sqlString(t)).join(', ')})`;
