/**
 * An exclusive lock on a run folder, so two processes never write one run:
 *
 *   `<dir>/.penx.lock` created exclusively, holding { pid, host, command, since }
 *   ─► taken: its holder alive on this host ─► LockedError naming it
 *             its holder dead (killed) ─► the stale lock is removed and taken again
 *   ─► released by the holder when done, and at its exit
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SpecError } from '../spec/errors.ts';

export const LOCK_FILE = '.penx.lock';

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

/** Another process holds the folder's lock. */
export class LockedError extends SpecError {
  constructor(
    readonly dir: string,
    readonly holder: Holder,
  ) {
    super(`${dir} is in use by process ${holder.pid} (${holder.command || 'penalty-explorer'}, since ${holder.since}); wait for it to finish, or stop it`);
    this.name = 'LockedError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): Holder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

/** Take the lock of `dir` (which must exist); returns its release. */
export function lockFolder(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const me: Holder = { pid: process.pid, host: hostname(), command: process.argv.slice(1).join(' '), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err;
      const holder = readHolder(path);
      // A lock of a live process (on this host; another host's is trusted as live) is respected.
      if (holder && holder.pid !== process.pid && (holder.host !== me.host || alive(holder.pid))) throw new LockedError(dir, holder);
      rmSync(path, { force: true });
    }
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readHolder(path)?.pid === process.pid) rmSync(path, { force: true });
  };
  process.on('exit', release);
  return release;
}
