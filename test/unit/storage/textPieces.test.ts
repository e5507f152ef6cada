import { describe, expect, it } from 'vitest';
import { textPieces } from '../../../storage/textPieces';

describe('a long text kept in pieces (a Table Storage string holds 32K UTF-16 units)', () => {
  it('never cuts a character written as two units, and the pieces join to the text', () => {
    // "Zoë 🍕": the pizza is two UTF-16 units, at 4 and 5; a cut every 5 units would split it.
    const text = 'Zoë 🍕 Café 🍕🍕 end';
    const pieces = textPieces(text, 5);
    expect(pieces.join('')).toBe(text);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(5);
      // No half of a pair alone at either end.
      expect(piece).not.toMatch(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/);
    }
    expect(pieces[0]).toBe('Zoë ');
    expect(pieces[1].startsWith('🍕')).toBe(true);
  });

  it('an empty text is no piece; a text of one piece is itself', () => {
    expect(textPieces('', 5)).toEqual([]);
    expect(textPieces('{}', 5)).toEqual(['{}']);
  });
});
