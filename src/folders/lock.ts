/**
 * An exclusive lock on a run folder, so two processes never write one run:
 *
 *   `<dir>/.penx.lock` created exclusively, holding { pid, host, command, since, started }
 *   ─► taken: its holder alive on this host ─► LockedError naming it (and how to clear the lock)
 *             its holder gone (killed), or its pid now another process's (the process with that
 *             pid started at another time than the holder did) ─► the stale lock is taken over
 *   ─► released by the holder when done, and at its exit
 *
 * A process's start time is read from Linux's /proc (boot id and start time since boot); where
 * there is no /proc, a live pid is taken for the holder.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { redactCredentials } from '../io/redact.ts';
import { SpecError } from '../spec/errors.ts';

export const LOCK_FILE = '.penx.lock';

/** Who holds a folder's lock. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
  /** When the holder process started (`processStart`), so a recycled pid is not taken for it; absent where unknown. */
  readonly started?: string;
}

/** Another process holds the folder's lock. */
export class LockedError extends SpecError {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `${dir} is in use by process ${holder.pid} on ${holder.host} (${holder.command || 'penalty-explorer'}, since ${holder.since}); wait for it to finish, or stop it; ` +
        `if process ${holder.pid} is not penx working in this folder (e.g. it ran on a machine that is gone), clear the lock: remove ${join(dir, LOCK_FILE)}`,
    );
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

/** When process `pid` started: `<boot id>:<start time in clock ticks since boot>`, from /proc; undefined where that cannot be read. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, start time field 22.
    const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return start ? `${boot}:${start}` : undefined;
  } catch {
    return undefined;
  }
}

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

/** Take the lock of `dir` (which must exist); returns its release. */
export function lockFolder(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const started = processStart(process.pid);
  const me: LockHolder = { pid: process.pid, host: hostname(), command: redactCredentials(process.argv.slice(1).join(' ')), since: new Date().toISOString(), ...(started ? { started } : {}) };
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, JSON.stringify(me), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err;
      const holder = readHolder(path);
      // A lock of a live process (on this host; another host's is trusted as live) is respected.
      if (holder && holder.pid !== process.pid && (holder.host !== me.host || holderAlive(holder))) throw new LockedError(dir, holder);
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
