import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Book, isoOfDay } from '../../rules/book';

/** Writes a synthetic book as a feed folder: customers.csv, orders.csv and tickets.csv, as an export would. */
export async function writeFeedFolder(book: Book, dir: string): Promise<void> {
  const customers = ['customer_id,name,owner,monthly_value'];
  const orders = ['order_id,customer_id,ordered_at,amount'];
  const tickets = ['ticket_id,customer_id,opened_at,sentiment,status'];
  const sentiment = ['negative', 'neutral', 'positive'];
  book.customers.forEach((c, i) => {
    customers.push(`${c.id},${c.name},${c.owner},`);
    for (let k = book.orderStart[i]; k < book.orderStart[i + 1]; k++)
      orders.push(`O${k},${c.id},${isoOfDay(book.orderDay[k])},${book.orderAmount[k].toFixed(2)}`);
    for (let k = book.ticketStart[i]; k < book.ticketStart[i + 1]; k++)
      tickets.push(
        `T${k},${c.id},${isoOfDay(book.ticketDay[k])},${sentiment[book.ticketSentiment[k] + 1]},${book.ticketOpen[k] ? 'open' : 'closed'}`,
      );
  });
  await writeFile(join(dir, 'customers.csv'), `${customers.join('\n')}\n`);
  await writeFile(join(dir, 'orders.csv'), `${orders.join('\n')}\n`);
  await writeFile(join(dir, 'tickets.csv'), `${tickets.join('\n')}\n`);
}
