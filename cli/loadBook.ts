import { type FeedResult, readFeed } from '../feed/readFeed';
import type { Rules } from '../rules';
import { createProgress } from './progressBar';

/** Reads the feed with the rules' column mapping, showing progress on a terminal for big feeds. */
export async function loadBook(dir: string, rules: Rules): Promise<FeedResult> {
  const progress = createProgress('Reading feed');
  try {
    return await readFeed(dir, { columns: rules.columns, onProgress: (n) => progress.update(n) });
  } finally {
    progress.done();
  }
}
