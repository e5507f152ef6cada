import type { ColumnMapping } from '../rules/columnMapping';
import { TICKET_COLUMNS } from '../rules/columnMapping';
import { growableInt8, growableUint8 } from './growableArray';
import {
  type CustomerLookup,
  type DatedRowsRead,
  type DuplicateCheckOptions,
  readDatedRows,
} from './readDatedRows';
import { type TicketRow, ticketRowSchema } from './rowSchemas';

export const TICKETS_FILE = 'tickets.csv';

/** tickets.csv read: per kept row its customer, day, sentiment (-1/0/1) and open flag. */
export interface TicketsRead extends DatedRowsRead {
  sentiment: Int8Array;
  open: Uint8Array;
}

/** Reads and validates tickets.csv against the customers already read. */
export async function readTickets(
  path: string,
  mapping: ColumnMapping['tickets'],
  lookup: CustomerLookup,
  onRowRead: () => void,
  options: DuplicateCheckOptions,
): Promise<TicketsRead> {
  const sentiment = growableInt8();
  const open = growableUint8();
  const read = await readDatedRows<keyof TicketRow, TicketRow>(
    path,
    {
      columns: { file: TICKETS_FILE, mappingKey: 'tickets', required: TICKET_COLUMNS },
      idColumn: 'ticket_id',
      schema: ticketRowSchema,
      idOf: (row) => row.ticket_id,
      customerIdOf: (row) => row.customer_id,
      dayOf: (row) => row.opened_at,
      keep: (row) => {
        sentiment.push(row.sentiment);
        open.push(row.status);
      },
    },
    mapping,
    lookup,
    onRowRead,
    options,
  );
  return { ...read, sentiment: sentiment.take(), open: open.take() };
}
