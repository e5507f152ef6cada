import { z } from 'zod';

/**
 * What a feed's files cannot always say about themselves, declared in the rules file: the order of
 * day and month in dates like 03/04/2026 (or dates written as eight digits, 19970101), the decimal
 * mark of amounts, the text encoding of CSVs.
 * Each is detected per file when left out; a declared one wins where a value reads two ways (an amount
 * with both separators, 1,200.00 or 1.200,50, is read as written whatever the mark).
 * Example: `{ "formats": { "date": "day-first", "decimal": ",", "encoding": "windows-1252" } }`.
 */
export const feedFormatsSchema = z
  .strictObject({
    // yyyymmdd: dates written as eight digits (19970101), read only where declared.
    date: z.enum(['day-first', 'month-first', 'yyyymmdd']),
    decimal: z.enum(['.', ',']),
    encoding: z.enum(['utf-8', 'utf-16', 'windows-1252']),
  })
  .partial();

export type FeedFormats = z.infer<typeof feedFormatsSchema>;
