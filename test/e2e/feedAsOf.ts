import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const DEMO_FEED = join(__dirname, '..', '..', 'demo', 'feed');

/** An order the test adds to the demo feed. */
export interface ExtraOrder {
  customerId: string;
  date: string;
  amount: number;
}

/**
 * Writes the demo feed plus the extra orders placed on or before `asOf` into `<work>/feed-<asOf>`:
 * the feed as the export would stand that morning. Returns the folder.
 */
export async function feedAsOf(work: string, asOf: string, extra: readonly ExtraOrder[]): Promise<string> {
  const dir = join(work, `feed-${asOf}`);
  await mkdir(dir, { recursive: true });
  await copyFile(join(DEMO_FEED, 'customers.csv'), join(dir, 'customers.csv'));
  await copyFile(join(DEMO_FEED, 'tickets.csv'), join(dir, 'tickets.csv'));
  const orders = await readFile(join(DEMO_FEED, 'orders.csv'), 'utf8');
  const later = extra
    .filter((o) => o.date <= asOf)
    .map((o, k) => `SO-9${String(k).padStart(5, '0')},${o.customerId},${o.date},${o.amount}`);
  await writeFile(join(dir, 'orders.csv'), `${orders.trimEnd()}\n${later.join('\n')}\n`);
  return dir;
}
