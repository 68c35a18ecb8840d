/**
 * A command started by a test in a process group of its own, with the processes it starts (a sweep's
 * runs), so the whole group can be killed — and is, whatever ends the process that started it:
 *
 *   spawnInGroup ─► spawn, detached (group = its pid) ─► registered while it may have members
 *     ended()                                   ─► kill(-pid, SIGKILL), resolved once the group is empty
 *     this process's 'exit', SIGINT, SIGTERM, SIGHUP,
 *     or its IPC channel closing (Vitest's main process gone) ─► kill(-pid, SIGKILL) of every group registered
 *
 * A Vitest worker killed by Ctrl-C (SIGINT, the terminal's whole foreground group: the detached groups
 * are not in it) or SIGTERM runs no test's cleanup; this does. A signal handled here is raised again once
 * the groups are killed, so it ends the process as before (unless someone else listens for it).
 * One killed by SIGKILL runs nothing: each group is recorded on disk too, ended by the Vitest main process at
 * the run's end (group-records.ts), its record removed once the group is seen empty here.
 * No Vitest here: a plain Node process can use it (test/fixtures/hold-group.ts).
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { until } from '../wait.ts';
import { forgetGroup, newToken, recordGroup, TOKEN_ENV } from './group-records.ts';
import { groupMembers } from './proc-stat.ts';

export { groupMembers } from './proc-stat.ts';

/** A process group a test started, and how to end it. */
export interface Group {
  /** SIGKILL to the group, resolved once every process of it is gone (once; later calls share it). */
  ended(): Promise<void>;
}

/** The groups that may still have members: killed when this process ends. */
const live = new Set<{ kill(): void }>();
const groups = new WeakMap<ChildProcess, Group>();

/** Start `command` in a process group of its own (see the file's comment). */
export function spawnInGroup(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  killedAtEnd();
  const token = newToken();
  const child = spawn(command, args, { ...options, env: { ...(options.env ?? process.env), [TOKEN_ENV]: token }, detached: true });
  groups.set(child, processGroup(child, token));
  return child;
}

/** The group `child` leads, when spawnInGroup started it. */
export function groupOf(child: ChildProcess): Group | undefined {
  return groups.get(child);
}

/**
 * The process group `child` leads (spawned `detached`), and how to end it: SIGKILL to the group, resolved
 * once every process of it is gone. Its number is signalled only while it is the group's: the leader not
 * yet reaped, or processes of it left when it was (they keep the number from being handed out again).
 * A group found empty at the leader's exit is never signalled: its number may be another process's since.
 */
function processGroup(child: ChildProcess, token: string): Group {
  const pgid = child.pid;
  let emptied = pgid === undefined;
  const entry = {
    kill() {
      if (emptied) return;
      try {
        process.kill(-pgid!, 'SIGKILL');
      } catch {
        // ESRCH: gone meanwhile.
      }
    },
  };
  const record = emptied ? undefined : recordGroup(pgid!, token);
  const forget = () => {
    live.delete(entry);
    forgetGroup(record);
  };
  if (!emptied) live.add(entry);
  child.once('exit', () => {
    emptied = !groupExists(pgid!);
    if (emptied) forget();
  });
  let ending: Promise<void> | undefined;
  const end = async () => {
    if (emptied) return;
    const leaderUnreaped = child.exitCode === null && child.signalCode === null;
    entry.kill();
    if (leaderUnreaped) await new Promise((resolve) => child.once('exit', resolve));
    await until(() => groupMembers(pgid!).length === 0, 30_000, `process group ${pgid} to end`);
    forget();
  };
  return { ended: () => (ending ??= end()) };
}

/** Every group registered, killed now (synchronously: from 'exit' too). */
function killAll(): void {
  for (const group of live) group.kill();
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

/** Once per process: the groups killed when it ends, by exit, a signal, or its parent's going. */
function killedAtEnd(): void {
  if (installed) return;
  installed = true;
  process.once('exit', killAll);
  process.once('disconnect', killAll);
  for (const signal of SIGNALS)
    process.once(signal, () => {
      killAll();
      // Alone in handling it: ended by it as it would have been without this handler.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
}

/** Whether any process (a zombie too) is in group `pgid`: signal 0 checks without sending. */
function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}
