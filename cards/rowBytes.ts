/**
 * A repeated row's size in its card, without expanding the template for every row. A row's JSON is
 * a skeleton fixed by its shape (which `$when` parts show, how many reasons and flags, which texts
 * are empty) plus each text, escaped as JSON, as many times as the template places it. Both are
 * measured once per shape by expanding the template with stand-in texts, so sizing a list of 50,000
 * rows takes 50,000 sums and a few dozen expansions, not 50,000 expansions (about 0.08 ms each).
 */

type Leaf = { path: (string | number)[]; length: number };

/** The row with every non-empty text as `a` (its shape), and where each of its texts is and how long. */
function standIn(value: unknown, path: (string | number)[], leaves: Leaf[]): unknown {
  if (typeof value === 'string') {
    if (value === '') return '';
    // As JSON writes it, without its quotes: a quote or a line break takes two characters.
    leaves.push({ path, length: JSON.stringify(value).length - 2 });
    return 'a';
  }
  if (Array.isArray(value)) return value.map((item, i) => standIn(item, [...path, i], leaves));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, standIn(v, [...path, k], leaves)]));
  }
  return value;
}

function withText(row: unknown, path: (string | number)[], text: string): unknown {
  const copy = structuredClone(row) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1]] = text;
  return copy;
}

interface Shape {
  /** The row's bytes with every text one character long. */
  base: number;
  /** Bytes each character of the text at the leaf's index adds (0 where the template leaves it out). */
  perCharacter: number[];
}

/**
 * Measures rows of one card frame: `expand` gives a row's exact bytes by expanding the template
 * (used once per shape, and once more per text in it).
 */
export function rowMeasurer(expand: (row: unknown) => number): (row: unknown) => number {
  const shapes = new Map<string, Shape>();
  return (row) => {
    const leaves: Leaf[] = [];
    const shaped = standIn(row, [], leaves);
    const key = JSON.stringify(shaped);
    let shape = shapes.get(key);
    if (shape === undefined) {
      const base = expand(shaped);
      shape = { base, perCharacter: leaves.map((leaf) => expand(withText(shaped, leaf.path, 'aa')) - base) };
      shapes.set(key, shape);
    }
    let bytes = shape.base;
    for (let i = 0; i < leaves.length; i++) bytes += shape.perCharacter[i] * (leaves[i].length - 1);
    return bytes;
  };
}
