/**
 * An exclusive lock on a run folder, so two processes never write one run:
 *
 *   `<dir>/.penx.lock` created exclusively, holding { pid, host, command, since, started }
 *   ─► taken: its holder alive on this host ─► LockedError naming it (and how to clear the lock)
 *             its holder gone (killed), or its pid now another process's (the process with that
 *             pid started at another time than the holder did) ─► the stale lock is taken over
 *   ─► released by the holder when done, and at its exit
 *
 * A process's start time is read from Linux's /proc (io/process.ts); where there is no /proc, a
 * live pid is taken for the holder.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { LockedError, type LockHolder, redactCredentials } from '../errors.ts';
import { LOCK_FILE } from '../folder-names.ts';
import { processAlive, processStart } from '../io/index.ts';

/** The lock file of a run folder, holding who holds the lock (see the file's comment): folder-names.ts. */
export { LOCK_FILE };

/** Whether the holder of a lock on this host still runs: its pid is alive and, where both are known, started when the holder did. */
function holderAlive(holder: LockHolder): boolean {
  if (!processAlive(holder.pid)) return false;
  if (holder.started === undefined) return true;
  const now = processStart(holder.pid);
  return now === undefined || now === holder.started;
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

/**
 * The holder of `dir`'s lock when it is another process that still runs (on this host; another
 * host's is trusted as live), or undefined: no lock, this process's, or one a killed process left
 * (which `lockFolder` takes over). Read only: e.g. whether a run not finished is being trained now.
 */
export function liveLockHolder(dir: string): LockHolder | undefined {
  const holder = lockHolder(dir);
  return holder && holder.pid !== process.pid && (holder.host !== hostname() || holderAlive(holder)) ? holder : undefined;
}

/** A LockedError when `dir`'s lock is held by another process that still runs (`liveLockHolder`), as `lockFolder` would throw; nothing is written. */
export function checkUnlocked(dir: string): void {
  const holder = liveLockHolder(dir);
  if (holder) throw new LockedError(dir, holder, join(dir, LOCK_FILE));
}

/** Take the lock of `dir` (which must exist); returns its release. */
export function lockFolder(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const started = processStart(process.pid);
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    command: redactCredentials(process.argv.slice(1).join(' ')),
    since: new Date().toISOString(),
    ...(started ? { started } : {}),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err;
      const holder = readHolder(path);
      // A lock of a live process (on this host; another host's is trusted as live) is respected.
      if (holder && holder.pid !== process.pid && (holder.host !== me.host || holderAlive(holder))) throw new LockedError(dir, holder, path);
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
