import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * The local host's admin routes (/admin/...) run the timers and answer reports that name every rep.
 * A loopback Host header proves nothing behind a dev tunnel (it forwards with Host: localhost), so
 * each start makes a random key that only this machine's user can read, in a file of the project's
 * local state folder; `npm run weekly`, `followups` and `summary` read it and send it.
 */

/** The header the admin routes need, carrying the key of the host's current start. */
export const ADMIN_KEY_HEADER = 'x-churn-admin-key';

/** The project's local state folder (git-ignored): the first folder up from here with a package.json. */
export function localStateDir(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return join(from, '.local');
    dir = up;
  }
  return join(dir, '.local');
}

function keyFile(port: number, dir: string): string {
  return join(dir, `admin-key-${port}`);
}

/** A fresh key for one start of the host. */
export function newAdminKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Writes the key for the host on `port`, readable by this user alone; resolves to its remover. */
export async function publishAdminKey(
  port: number,
  key: string,
  dir: string = localStateDir(),
): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = keyFile(port, dir);
  await writeFile(file, key, { mode: 0o600 });
  // The mode is applied only when the file is created: a file left by an earlier start keeps its own.
  await chmod(file, 0o600);
  return () => rm(file, { force: true });
}

/** The headers an admin request to the host on `port` needs; none when no host published a key there. */
export async function adminKeyHeaders(
  port: number,
  dir: string = localStateDir(),
): Promise<Record<string, string>> {
  try {
    return { [ADMIN_KEY_HEADER]: (await readFile(keyFile(port, dir), 'utf8')).trim() };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
}

/** True when `given` is the key (compared in constant time). */
export function isAdminKey(given: string | string[] | undefined, key: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(key);
  return a.length === b.length && timingSafeEqual(a, b);
}
