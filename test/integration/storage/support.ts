import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type { CustomerState } from '../../../rules/customerState';
import { initialState } from '../../../rules/customerState';
import { type OpenStorageOptions, openStorage, type Storage } from '../../../storage';

/** Opens storage on the suite's Azurite with tables of its own (a fresh prefix per call). */
export async function openTestStorage(name: string, options: OpenStorageOptions = {}): Promise<Storage> {
  const tablePrefix = `t${name}${randomBytes(4).toString('hex')}`;
  return openStorage(
    { connectionString: inject('azuriteConnectionString'), tablePrefix },
    { retry: { maxRetries: 1, retryDelayInMs: 10, maxRetryDelayInMs: 50 }, ...options },
  );
}

/** A customer state with every optional field set, so a round trip checks all columns. */
export function fullState(customerId: string, overrides: Partial<CustomerState> = {}): CustomerState {
  return {
    ...initialState({
      customerId,
      name: `Customer ${customerId}`,
      owner: 'rep@example.com',
      monthlyValue: 1200.5,
    }),
    score: 0.731,
    band: 'at_risk',
    reasons: ['no order in 34 days (usually every 9)', 'one sour ticket'],
    surfacedAt: '2026-11-23',
    lastContact: '2026-11-24',
    wonBackAt: null,
    recoveredValue: null,
    ...overrides,
  };
}

/** `n` plain states with ids `c00000`… */
export function manyStates(n: number, prefix = 'c'): CustomerState[] {
  return Array.from({ length: n }, (_, i) =>
    initialState({
      customerId: `${prefix}${String(i).padStart(5, '0')}`,
      name: `Customer ${i}`,
      owner: 'rep@example.com',
      monthlyValue: 100 + i,
    }),
  );
}
