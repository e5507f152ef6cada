import { findAll, type Node, texts } from '../../unit/cards/cardWalk';

/** One customer's row on a rendered weekly card: its texts and the actions its buttons send. */
export interface CardRow {
  texts: string[];
  /** `action` of every Action.Submit and the title of every Action.ShowCard in the row. */
  buttons: string[];
}

/** The row of the customer named `name` on an expanded weekly card; throws when missing. */
export function cardRow(card: unknown, name: string): CardRow {
  const row = rowNode(card, name);
  const buttons = actionsOf(row).map((a) =>
    a.type === 'Action.Submit' ? String((a.data as Node).action) : String(a.title),
  );
  return { texts: texts(row), buttons };
}

/** What Teams sends when the row's `action` button is tapped (its Action.Submit data); throws when missing. */
export function buttonData(card: unknown, name: string, action: string): Record<string, unknown> {
  const button = actionsOf(rowNode(card, name)).find(
    (a) => a.type === 'Action.Submit' && (a.data as Node).action === action,
  );
  if (!button) throw new Error(`no ${action} button on the row of ${name}`);
  return button.data as Record<string, unknown>;
}

function rowNode(card: unknown, name: string): Node {
  const row = findAll(card, (n) => n.type === 'Container' && texts(n).includes(name)).at(-1);
  if (!row) throw new Error(`no row for ${name} on the card: ${texts(card).join(' | ')}`);
  return row;
}

function actionsOf(row: Node): Node[] {
  return findAll(row, (n) => n.type === 'ActionSet').flatMap((set) => (set.actions as Node[]) ?? []);
}
