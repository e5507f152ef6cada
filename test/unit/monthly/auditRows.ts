import type { CustomerState } from '../../../rules/customerState';
import { initialState } from '../../../rules/customerState';
import { type AuditRow, parseAuditRow } from '../../../storage/auditRow';

/** Builds audit rows for tests with readable defaults; ids are unique per factory. */
export class Rows {
  private next = 0;
  readonly all: AuditRow[] = [];

  /** One row: `action` on `customerId` at `at` (ISO), owned by `owner`. */
  add(
    action: AuditRow['action'],
    customerId: string,
    at: string,
    extra: Partial<Omit<AuditRow, 'action' | 'customerId' | 'at'>> = {},
  ): AuditRow {
    const row = parseAuditRow({
      id: extra.id ?? `r${++this.next}`,
      action,
      customerId,
      customerName: `Customer ${customerId}`,
      owner: 'ana@demo.example',
      actorId: 'aad-ana',
      actorName: 'Ana Ruiz',
      at,
      ...extra,
    });
    this.all.push(row);
    return row;
  }

  surfaced(customerId: string, at: string, owner = 'ana@demo.example'): AuditRow {
    return this.add('surfaced', customerId, at, { owner });
  }

  wonBack(customerId: string, at: string, value: number, extra: Partial<AuditRow> = {}): AuditRow {
    return this.add('won_back', customerId, at, { value, ...extra });
  }

  lost(customerId: string, at: string, reason: string, extra: Partial<AuditRow> = {}): AuditRow {
    return this.add('lost', customerId, at, { reason, ...extra });
  }

  undo(target: AuditRow, at: string): AuditRow {
    return this.add('undo', target.customerId, at, { undoes: target.id, owner: target.owner });
  }
}

/** The state a save's snapshot carries: surfaced on `surfacedAt`. */
export function snapshotSurfacedOn(customerId: string, surfacedAt: string | null): CustomerState {
  return {
    ...initialState({
      customerId,
      name: `Customer ${customerId}`,
      owner: 'ana@demo.example',
      monthlyValue: 1000,
    }),
    band: 'at_risk',
    score: 61,
    surfacedAt,
  };
}

export const LOSS_REASONS = [
  { code: 'price', label: 'Price' },
  { code: 'competitor', label: 'Went to a competitor' },
  { code: 'went_quiet', label: 'Went quiet' },
  { code: 'other', label: 'Other' },
];
