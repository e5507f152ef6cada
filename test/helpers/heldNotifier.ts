import type { AdminNotifier, NoticeResult } from '../../jobs/weekly/weeklyNotice';

/**
 * An admin notifier as slow as Teams can be: it keeps the text, says it is posting (`posting`), and
 * answers only once released, so a second instance can read the ledger in the meantime.
 */
export function heldNotifier(answer: NoticeResult): {
  notify: AdminNotifier;
  told: string[];
  posting: Promise<void>;
  release: () => void;
} {
  const told: string[] = [];
  let started = () => {};
  const posting = new Promise<void>((resolve) => {
    started = resolve;
  });
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const notify: AdminNotifier = async (text) => {
    told.push(text);
    started();
    await released;
    return answer;
  };
  return { notify, told, posting, release };
}
