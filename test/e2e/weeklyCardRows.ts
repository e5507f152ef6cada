import { findAll, type Node, texts } from '../unit/cards/cardWalk';

/**
 * Reads a weekly card as a Teams client shows it, and builds what the client sends when a button is
 * tapped: the button's `data` merged with the values of the inputs of its card (as Teams does).
 */

/** One customer's row: its texts and the titles of its buttons. */
export interface WeeklyRow {
  node: Node;
  texts: string[];
  buttons: string[];
}

/** The row of the customer named `name`; throws, listing the card's texts, when missing. */
export function weeklyRow(card: unknown, name: string): WeeklyRow {
  const rows = findAll(card, (n) => n.type === 'Container' && texts(n).includes(name));
  const node = rows.at(-1);
  if (!node) throw new Error(`no row for ${name} on the card: ${texts(card).join(' | ')}`);
  return { node, texts: texts(node), buttons: buttonsOf(node).map((a) => String(a.title)) };
}

/** The customer names on the card, in order (the first TextBlock of each row). */
export function customerNames(card: unknown): string[] {
  return findAll(card, (n) => n.type === 'Container' && Array.isArray(n.items))
    .map((row) => texts(row)[0])
    .filter((name): name is string => typeof name === 'string');
}

/**
 * What the client submits when the row's button `title` is tapped (for Won back and Lost: the
 * Save button of the card it opens). `inputs` fill the card's fields by their name in `data.fields`
 * (`value`, `reason`, `note`); fields left out keep their prefilled value.
 */
export function tapValue(row: WeeklyRow, title: string, inputs: Record<string, string> = {}): Node {
  const button = buttonsOf(row.node).find((a) => a.title === title);
  if (!button) throw new Error(`no "${title}" button in the row; it has: ${row.buttons.join(', ')}`);
  if (button.type === 'Action.Submit') return { ...(button.data as Node) };
  if (button.type !== 'Action.ShowCard') throw new Error(`"${title}" is a ${String(button.type)}`);
  const sub = button.card as Node;
  const save = findAll(sub, (n) => n.type === 'Action.Submit')[0];
  if (!save) throw new Error(`the "${title}" card has no submit button`);
  const data = { ...(save.data as Node) };
  const fields = (data.fields ?? {}) as Record<string, string>;
  for (const input of findAll(sub, (n) => typeof n.type === 'string' && n.type.startsWith('Input.'))) {
    if (input.value !== undefined) data[String(input.id)] = String(input.value);
  }
  for (const [field, value] of Object.entries(inputs)) {
    const id = fields[field];
    if (!id) throw new Error(`the "${title}" card has no field "${field}" (fields: ${Object.keys(fields)})`);
    data[id] = value;
  }
  return data;
}

function buttonsOf(row: Node): Node[] {
  // The row's own action sets only: a Show card's inner actions belong to the sub-card.
  const sets = findAll(row, (n) => n.type === 'ActionSet').filter(
    (set) =>
      !findAll(row, (n) => n.type === 'Action.ShowCard').some(
        (sc) => findAll(sc.card, (x) => x === set).length,
      ),
  );
  return sets.flatMap((set) => (set.actions as Node[]) ?? []);
}
