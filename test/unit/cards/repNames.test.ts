import { describe, expect, it } from 'vitest';
import { repName, repNamesOf, repNameWithAddress, withFormerReps } from '../../../cards/repNames';

const rep = (userId: string, name: string, email: string, upn = '') => ({ userId, name, email, upn });

describe('a display name that could pass for another rep', () => {
  it('a name written as an address is shown with the rep’s own address: Ana calling herself ben@ is never read as Ben', () => {
    const names = repNamesOf([
      rep('aad-ana', 'ben@contoso.com', 'ana@contoso.com'),
      rep('aad-ben', 'Ben Ode', 'ben@contoso.com'),
    ]);
    expect(repName(names, 'ana@contoso.com')).toBe('ben@contoso.com (ana@contoso.com)');
    expect(repName(names, 'ben@contoso.com')).toBe('Ben Ode');
    expect(repNameWithAddress(names, 'ana@contoso.com')).toBe('ben@contoso.com (ana@contoso.com)');
  });

  it('a guest whose Teams name is their own address reads as that address, once', () => {
    const names = repNamesOf([rep('aad-guest', 'Guest@Fabrikam.com', 'guest@fabrikam.com')]);
    expect(repName(names, 'guest@fabrikam.com')).toBe('Guest@Fabrikam.com');
  });

  it('two names that look the same (an accent composed in one, combined in the other) are shown with their addresses', () => {
    const names = repNamesOf([
      rep('aad-1', 'Jos\u00e9 Ruiz', 'jose.ruiz@contoso.com'),
      rep('aad-2', 'Jose\u0301 Ruiz', 'jose.r@contoso.com'),
    ]);
    expect(repName(names, 'jose.ruiz@contoso.com')).toBe('Jos\u00e9 Ruiz (jose.ruiz@contoso.com)');
    expect(repName(names, 'jose.r@contoso.com')).toBe('Jose\u0301 Ruiz (jose.r@contoso.com)');
  });

  it('a former rep whose name looks like a stored one’s is told apart in the admins’ notice', () => {
    const names = withFormerReps(repNamesOf([rep('aad-1', 'Jos\u00e9 Ruiz', 'jose.ruiz@contoso.com')]), [
      { addresses: ['jose.r@contoso.com'], name: 'Jose\u0301 Ruiz' },
      { addresses: ['carl@contoso.com'], name: 'jose.ruiz@contoso.com' },
    ]);
    expect(repName(names, 'jose.ruiz@contoso.com')).toBe('Jos\u00e9 Ruiz (jose.ruiz@contoso.com)');
    expect(repName(names, 'carl@contoso.com')).toBe('jose.ruiz@contoso.com (carl@contoso.com)');
  });
});

describe('a display name with an address in it', () => {
  it('names the rep as it is when the address is their own, with their address when it is another’s', () => {
    const names = repNamesOf([
      rep('aad-ana', 'Ana Ruiz (ana@contoso.com)', 'ana@contoso.com'),
      rep('aad-carl', 'Carl, for ben@contoso.com', 'carl@contoso.com'),
    ]);
    expect(repName(names, 'ana@contoso.com')).toBe('Ana Ruiz (ana@contoso.com)');
    expect(repName(names, 'carl@contoso.com')).toBe('Carl, for ben@contoso.com (carl@contoso.com)');
  });
});
