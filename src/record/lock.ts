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

/** Who holds a folder's lock. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
}

/** Another process holds the folder's lock. */
export class LockedError extends SpecError {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
  ) {
    super(`${dir} is in use by process ${holder.pid} (${holder.command || 'penalty-explorer'}, since ${holder.since}); wait for it to finish, or stop it`);
    this.name = 'LockedError';
  }
}

/** Whether a process with this pid runs on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** The holder of `dir`'s lock, or undefined when it has none (or one being written). */
export function lockHolder(dir: string): LockHolder | undefined {
  return readHolder(join(dir, LOCK_FILE));
}

/**
 * Remove `dir`'s lock whatever holds it: for a caller that knows its holder has lost the folder
 * (e.g. a trainer on another host whose job was taken over), which this lock cannot check itself.
 */
export function breakLock(dir: string): void {
  rmSync(join(dir, LOCK_FILE), { force: true });
}

/** Take the lock of `dir` (which must exist); returns its release. */
export function lockFolder(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: hostname(), command: process.argv.slice(1).join(' '), since: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err;
      const holder = readHolder(path);
      // A lock of a live process (on this host; another host's is trusted as live) is respected.
      if (holder && holder.pid !== process.pid && (holder.host !== me.host || processAlive(holder.pid))) throw new LockedError(dir, holder);
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
