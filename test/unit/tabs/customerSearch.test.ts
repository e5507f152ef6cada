import { describe, expect, it } from 'vitest';
import { found, searchKey } from '../../../tabs/api/customerSearch';

// What a rep types in "My customers" against a name as the export writes it.
const finds = (name: string, typed: string) => found(searchKey(name), searchKey(typed));

describe('My customers search', () => {
  it('finds a name without its accents, umlauts or ß, as before', () => {
    expect(finds('Café Müller', 'muller')).toBe(true);
    expect(finds('Café Müller', 'MÜLLER')).toBe(true);
    expect(finds('Bäckerei Groß', 'gross')).toBe(true);
    expect(finds('Bäckerei Groß', 'weber')).toBe(false);
  });

  it('finds Turkish, Polish and Nordic names typed without their letters (ı, ł, ø)', () => {
    expect(finds('Kılıç Döner', 'kilic')).toBe(true);
    expect(finds('İstanbul Grill', 'istanbul')).toBe(true);
    expect(finds('Łódź Handel', 'lodz')).toBe(true);
    expect(finds('Øresund Fisk', 'oresund')).toBe(true);
  });

  it('finds an umlaut spelled out, either way round ("mueller" for Müller, "müller" for Mueller)', () => {
    expect(finds('Café Müller', 'mueller')).toBe(true);
    expect(finds('Mueller GmbH', 'Müller')).toBe(true);
    expect(finds('Schröder & Söhne', 'schroeder')).toBe(true);
    // Spelling out does not lose the plain match inside a word ("Bauer" holds "ue").
    expect(finds('Bauer Getränke', 'er ge')).toBe(true);
    expect(finds('Bauer Getränke', 'getranke')).toBe(true);
  });
});
