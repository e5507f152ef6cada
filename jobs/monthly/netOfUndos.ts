import type { AuditRow } from '../../storage/auditRow';

/**
 * Which rows still stand once undos are applied. A row stands unless a standing `undo` row points
 * at it; so an undone action and its undo both drop out, and undoing that undo brings the action
 * back. Rows may come from several months: an undo written in December of a November save still
 * cancels it when December's rows are passed in.
 */
export interface UndoResolution {
  /** True when the row with this id counts (undo rows themselves never count as actions). */
  stands(id: string): boolean;
  /** Ids of action rows (not undo rows) cancelled by a standing undo. */
  undone: ReadonlySet<string>;
}

/** Resolves undo chains over every row given (any order; ids unique). */
export function resolveUndos(rows: readonly AuditRow[]): UndoResolution {
  const undosOf = new Map<string, AuditRow[]>();
  for (const row of rows) {
    if (row.action !== 'undo' || row.undoes === null) continue;
    const list = undosOf.get(row.undoes) ?? [];
    list.push(row);
    undosOf.set(row.undoes, list);
  }
  const memo = new Map<string, boolean>();
  const visiting = new Set<string>();
  const stands = (id: string): boolean => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    // Undos point back in time, so a cycle means corrupt data: break it by letting the row stand.
    if (visiting.has(id)) return true;
    visiting.add(id);
    const result = !(undosOf.get(id) ?? []).some((undo) => stands(undo.id));
    visiting.delete(id);
    memo.set(id, result);
    return result;
  };
  const undone = new Set<string>();
  for (const row of rows) if (row.action !== 'undo' && !stands(row.id)) undone.add(row.id);
  return { stands, undone };
}
