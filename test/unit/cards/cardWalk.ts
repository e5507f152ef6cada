/** A node of an expanded card: any JSON object. */
export type Node = Record<string, unknown>;

/** Every object in `root` (depth first, document order) for which `match` holds. */
export function findAll(root: unknown, match: (n: Node) => boolean): Node[] {
  const out: Node[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
    } else if (v && typeof v === 'object') {
      const n = v as Node;
      if (match(n)) out.push(n);
      for (const x of Object.values(n)) visit(x);
    }
  };
  visit(root);
  return out;
}

/** Nodes of one Adaptive Card `type`. */
export const ofType = (root: unknown, type: string): Node[] => findAll(root, (n) => n.type === type);

/** Text of every TextBlock and TextRun (user text is shown in TextRuns) in document order. */
export const texts = (root: unknown): string[] =>
  findAll(root, (n) => n.type === 'TextBlock' || n.type === 'TextRun').map((n) => String(n.text));

/**
 * Text of every TextBlock that does not wrap. Such a block is one line cut with an ellipsis where
 * it does not fit, as in a column beside a long name or in a card on a ~320 px phone in Teams.
 */
export const oneLineTexts = (root: unknown): string[] =>
  findAll(root, (n) => n.type === 'TextBlock' && n.wrap !== true).map((n) => String(n.text));

/** A FactSet's facts as title -> value (empty for none). */
export const factsOf = (set: Node | undefined): Record<string, string> =>
  Object.fromEntries(
    ((set?.facts as Node[] | undefined) ?? []).map((f) => [String(f.title), String(f.value)]),
  );

/** The monthly summary's per-rep figures (its last FactSet) as rep -> line. */
export const perRepFigures = (card: unknown): Record<string, string> =>
  factsOf(ofType(card, 'FactSet').at(-1));
