/** Marks the first meaningful paint (the list or the dashboard on screen) for the bench and the tests. */
export function markReady(what: string): void {
  if (document.body.dataset.ready) return;
  document.body.dataset.ready = what;
  performance.mark('tab-ready');
}
