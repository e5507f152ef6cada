import type { FeedSource } from './feedSource';

/**
 * What the feed reader tells the user about each file: how many rows it read, kept and skipped, and
 * why each skipped row was skipped. Details are kept for the first rows of each kind of problem
 * only, with exact counts per kind, so a 20M-row feed full of errors cannot exhaust memory.
 */
export interface FeedProblem {
  /** File name, e.g. "orders.csv"; in a folder of Parquet parts, the part's path (`orders/part-00001-....parquet`). */
  file: string;
  /** Physical line where the record starts (the header is line 1). */
  line: number;
  /** The kind of problem it is counted under in `problemCounts`, e.g. `ordered_at: not a date`. */
  kind: string;
  /** What is wrong, for a person: `ordered_at: not a date: "31/12/2025"`. */
  reason: string;
  /**
   * The skipped rows it stands for, where more than one: an order's lines that share the problem,
   * listed once on the first (`... (and 1 more line of order "INV-0105")`).
   */
  lines?: number;
}

export interface FileReport {
  file: string;
  /** Data rows read (the header and blank lines are not rows). */
  rowsRead: number;
  /** Rows read that were neither skipped nor left out as orders never placed (see `notes`). */
  rowsKept: number;
  rowsSkipped: number;
  /** The first problems of each kind in detail, sorted by line. */
  problems: FeedProblem[];
  /** Exact number of skipped rows per kind of problem, e.g. `{ "ordered_at: not a date": 3 }`. */
  problemCounts: Record<string, number>;
  /**
   * Orders per kind of problem, where an order's lines share it (a line-item export's lines sold to
   * no customer): `{ "customer_id: missing": 3710 }` beside 135,080 lines in `problemCounts`.
   */
  ordersPerKind?: Record<string, number>;
  /** Skipped rows not listed in `problems` (beyond the detail limit, or more lines of a listed order). */
  problemsNotListed: number;
  /** What was settled about the file: delimiter, encoding, date order, decimal mark. */
  notes: string[];
  /**
   * Of `notes`, those that say what the reader left out of the orders or took off them without a bad
   * row (orders left out by their status, refunds taken off): the book's figures differ from the
   * export's by them, so a run's report says them too (feedNotesForRun).
   */
  figureNotes?: string[];
  /** Order lines merged into the order they belong to (rows sharing an order id, customer and date), beyond each order's first. */
  mergedLines: number;
}

/** Where the feed has no customers file: the customers taken from its orders file instead. */
export interface CustomersFromOrders {
  /** The orders file they were taken from. */
  file: string;
  customers: number;
  /** The header their names were read from (`"Billing Name"`), where the orders file has one. */
  namedFrom?: string;
  /** Those named by their id: none of their orders gives a name. */
  namedById: number;
  /** The rep every one of them is given to: the rules file's defaultOwner. */
  owner: string;
}

export interface FeedReport {
  /** customers.csv (unless taken from the orders: `customersFromOrders`), orders.csv, then tickets.csv when the feed has one. */
  files: FileReport[];
  customersFromOrders?: CustomersFromOrders;
  /** Rows skipped in all files. */
  rowsSkipped: number;
  /** What the reader passed over in the feed's folder, for a person: a zip that cannot be read. */
  notes?: string[];
}

/**
 * Compares two places in a file by part (a folder's parts are read in name order) and line: the
 * order of the file's rows.
 */
export function byPlace(a: { line: number; part?: string }, b: { line: number; part?: string }): number {
  const [x, y] = [a.part ?? '', b.part ?? ''];
  return x === y ? a.line - b.line : x < y ? -1 : 1;
}

/** Where a problem is, in words: `line 17`, or `orders/part-00001-....parquet line 3` in a folder's part. */
export const placeOf = (problem: { file: string; line: number }, file: string) =>
  problem.file === file ? `line ${problem.line}` : `${problem.file} line ${problem.line}`;

/** Where the row `rid` of a source that was read is, in words (`line 6`), found in one pass over the file. */
export async function placeOfRow(source: FeedSource, rid: number): Promise<string> {
  const { kept, files } = await source.lines({ keptIndices: [rid], rejectedLines: new Set() });
  return placeOf({ file: files?.get(rid) ?? source.file, line: kept.get(rid) ?? -1 }, source.file);
}

/** How many problems of each kind each file keeps in detail. */
export const PROBLEM_DETAIL_LIMIT = 1000;

/** Collects one file's skipped rows: every row counted, the first ones of each kind kept in detail. */
export class ProblemLog {
  rowsRead = 0;
  private readonly problems: FeedProblem[] = [];
  private readonly counts: Record<string, number> = {};
  private readonly detailed = new Map<string, number>();
  private skipped = 0;
  readonly notes: string[] = [];
  readonly figureNotes: string[] = [];
  mergedLines = 0;
  /** Rows of orders left out by their status: not kept, and not bad rows. */
  rowsLeftOut = 0;
  /** Orders per kind, where fewer than its lines. */
  readonly ordersPerKind: Record<string, number> = {};

  constructor(
    readonly file: string,
    private readonly detailLimit = PROBLEM_DETAIL_LIMIT,
  ) {}

  /**
   * Records one skipped row: `kind` groups it in the counts, `reason` is the full sentence; `part`
   * the part file it is in, where the file is a folder of Parquet parts.
   */
  skip(line: number, kind: string, reason: string, part?: string, lines = 1): void {
    this.skipped++;
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
    const detailed = this.detailed.get(kind) ?? 0;
    if (detailed >= this.detailLimit) return;
    this.detailed.set(kind, detailed + 1);
    this.problems.push({ file: part ?? this.file, line, kind, reason, ...(lines > 1 ? { lines } : {}) });
  }

  /** Counts skipped rows of one kind that are not listed in detail (beyond the detail limit). */
  countUnlisted(kind: string, count: number): void {
    if (count <= 0) return;
    this.skipped += count;
    this.counts[kind] = (this.counts[kind] ?? 0) + count;
  }

  get rowsSkipped(): number {
    return this.skipped;
  }

  /** The file's report; `rowsKept` is what was read and neither skipped nor left out. */
  report(): FileReport {
    return {
      file: this.file,
      rowsRead: this.rowsRead,
      rowsKept: this.rowsRead - this.skipped - this.rowsLeftOut,
      rowsSkipped: this.skipped,
      problems: [...this.problems].sort((a, b) => byPlace({ ...a, part: a.file }, { ...b, part: b.file })),
      problemCounts: { ...this.counts },
      ...(Object.keys(this.ordersPerKind).length > 0 ? { ordersPerKind: { ...this.ordersPerKind } } : {}),
      problemsNotListed: this.skipped - this.problems.length,
      notes: [...this.notes],
      ...(this.figureNotes.length > 0 ? { figureNotes: [...this.figureNotes] } : {}),
      mergedLines: this.mergedLines,
    };
  }
}

/**
 * Notes what the reader left out of a file's orders or took off them without a bad row (orders left
 * out by their status, refunds taken off): in the file's notes, as every note, and among the notes a
 * run's report says (feedNotesForRun).
 */
export function noteFigures(source: FeedSource, note: string): void {
  source.notes.push(note);
  source.figureNotes = [...(source.figureNotes ?? []), note];
}

/**
 * What a run's report says of the feed beside its skipped rows, in the feed report's own words: what
 * was passed over in the folder, and each file's notes of orders left out or taken off
 * (`orders.csv: status: 225 orders left out, never placed or undone ("refunded" 150, "voided" 75)`).
 * Said whether or not a row was skipped: a clean export's refunds change its figures all the same.
 */
export function feedNotesForRun(report: FeedReport): string[] {
  return [
    ...(report.notes ?? []),
    ...report.files.flatMap((f) => (f.figureNotes ?? []).map((note) => `${f.file}: ${note}`)),
  ];
}
