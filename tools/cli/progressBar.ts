/**
 * A one-line progress indicator on stderr for big feeds. Only on a TTY, and only once the feed has
 * passed `threshold` rows, so small runs and pipes stay clean.
 */
export interface Progress {
  update(rowsRead: number): void;
  done(): void;
}

/** Creates a progress line on `stream` that shows after `threshold` rows (TTY only). */
export function createProgress(
  label: string,
  { stream = process.stderr, threshold = 100_000 }: { stream?: NodeJS.WriteStream; threshold?: number } = {},
): Progress {
  if (!stream.isTTY) return { update: () => {}, done: () => {} };
  let shown = false;
  let lastDraw = 0;
  const started = Date.now();
  return {
    update(rowsRead) {
      if (rowsRead < threshold) return;
      const now = Date.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      shown = true;
      const rate = Math.round(rowsRead / Math.max((now - started) / 1000, 0.001));
      stream.write(
        `\r${label}: ${rowsRead.toLocaleString('en-US')} rows (${rate.toLocaleString('en-US')}/s)   `,
      );
    },
    done() {
      if (shown) stream.write('\n');
    },
  };
}
