import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Book, isoOfDay, SENTIMENT } from '../../rules/book';

/** Writes a synthetic book as a feed folder: customers.csv, orders.csv and tickets.csv, as an export would. */
export async function writeFeedFolder(book: Book, dir: string): Promise<void> {
  const customers = ['customer_id,name,owner,monthly_value'];
  const orders = ['order_id,customer_id,ordered_at,amount'];
  const tickets = ['ticket_id,customer_id,opened_at,sentiment,status'];
  // Each code as the feed writes it; a ticket with no rating has an empty cell.
  const sentiment = new Map<number, string>(
    Object.entries(SENTIMENT).map(([word, code]) => [code, code === SENTIMENT.none ? '' : word]),
  );
  book.customers.forEach((c, i) => {
    customers.push(`${c.id},${c.name},${c.owner},`);
    for (let k = book.orderStart[i]; k < book.orderStart[i + 1]; k++)
      orders.push(`O${k},${c.id},${isoOfDay(book.orderDay[k])},${book.orderAmount[k].toFixed(2)}`);
    for (let k = book.ticketStart[i]; k < book.ticketStart[i + 1]; k++)
      tickets.push(
        `T${k},${c.id},${isoOfDay(book.ticketDay[k])},${sentiment.get(book.ticketSentiment[k])},${book.ticketOpen[k] ? 'open' : 'closed'}`,
      );
  });
  await writeFile(join(dir, 'customers.csv'), `${customers.join('\n')}\n`);
  await writeFile(join(dir, 'orders.csv'), `${orders.join('\n')}\n`);
  await writeFile(join(dir, 'tickets.csv'), `${tickets.join('\n')}\n`);
}
