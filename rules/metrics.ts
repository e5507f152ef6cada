/**
 * Ranking quality measures for the backtest. Scores: higher = more at risk. Labels: true = the
 * customer did churn (no order in the horizon).
 */

/**
 * ROC AUC by the Mann-Whitney U statistic, ties counted half: the chance that a random churned
 * customer scores above a random retained one. NaN when either class is empty.
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<boolean>): number {
  const n = scores.length;
  if (labels.length !== n) throw new Error(`rocAuc: ${n} scores but ${labels.length} labels`);
  const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSumPositives = 0;
  // Walk groups of equal score; each member gets the group's average rank (1-based).
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && scores[order[end]] === scores[order[start]]) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (labels[order[k]]) {
        positives++;
        rankSumPositives += averageRank;
      }
    }
    start = end;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSumPositives - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Precision of each group's top k by score, averaged over groups (each rep's top 10). Ties at the
 * cut are broken by input order, so callers pass customers in book order for a stable answer.
 * Groups with fewer than k members contribute the precision of all their members.
 */
export function meanTopKPrecision(
  groups: ArrayLike<string>,
  scores: ArrayLike<number>,
  labels: ArrayLike<boolean>,
  k: number,
): number {
  const byGroup = new Map<string, number[]>();
  for (let i = 0; i < scores.length; i++) {
    const members = byGroup.get(groups[i]);
    if (members) members.push(i);
    else byGroup.set(groups[i], [i]);
  }
  if (byGroup.size === 0) return Number.NaN;
  let sum = 0;
  for (const members of byGroup.values()) {
    // Array.prototype.sort is stable, so equal scores keep book order.
    const top = members.sort((a, b) => scores[b] - scores[a]).slice(0, k);
    let hits = 0;
    for (const i of top) if (labels[i]) hits++;
    sum += hits / top.length;
  }
  return sum / byGroup.size;
}
