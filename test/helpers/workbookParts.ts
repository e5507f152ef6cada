import { writeFile } from 'node:fs/promises';
import type ExcelJS from 'exceljs';
import { unzipSync, zipSync } from 'fflate';

/**
 * The order Excel stores a workbook's parts in: the workbook's list of sheets, the sheets, then
 * their styles and shared strings. exceljs writes them in an order that varies from run to run, in
 * some of which its own streaming reader loses the last part (and with it the sheets' text).
 */
const EXCEL_PARTS = [
  /^\[Content_Types\]/,
  /^_rels\//,
  /^xl\/workbook\.xml$/,
  /^xl\/_rels\//,
  /^xl\/worksheets\//,
  /^xl\/theme\//,
  /^xl\/styles\.xml$/,
  /^xl\/sharedStrings\.xml$/,
  /^docProps\//,
];

/** A part's place in Excel's order (lowest first). */
export const excelOrder = (part: string): number => {
  const at = EXCEL_PARTS.findIndex((re) => re.test(part));
  return at < 0 ? EXCEL_PARTS.length : at;
};

/** Writes `book` to `path` with its zip parts ordered by `rank`, lowest first (Excel's order by default). */
export async function writeOrdered(
  book: ExcelJS.Workbook,
  path: string,
  rank: (part: string) => number = excelOrder,
): Promise<void> {
  const files = unzipSync(new Uint8Array(await book.xlsx.writeBuffer()));
  await writeFile(
    path,
    zipSync(Object.fromEntries(Object.entries(files).sort(([a], [b]) => rank(a) - rank(b)))),
  );
}
