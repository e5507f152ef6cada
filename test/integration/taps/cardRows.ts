import { findAll, type Node, texts } from '../../unit/cards/cardWalk';

/** One customer's row on a rendered weekly card: its texts and the actions its buttons send. */
export interface CardRow {
  texts: string[];
  /** `action` of every Action.Submit and the title of every Action.ShowCard in the row. */
  buttons: string[];
}

/** The row of the customer named `name` on an expanded weekly card; throws when missing. */
export function cardRow(card: unknown, name: string): CardRow {
  const containers = findAll(card, (n) => n.type === 'Container' && texts(n).includes(name));
  const row = containers.at(-1);
  if (!row) throw new Error(`no row for ${name} on the card: ${texts(card).join(' | ')}`);
  const buttons = findAll(row, (n) => n.type === 'ActionSet')
    .flatMap((set) => (set.actions as Node[]) ?? [])
    .map((a) => (a.type === 'Action.Submit' ? String((a.data as Node).action) : String(a.title)));
  return { texts: texts(row), buttons };
}
