/**
 * `penx` from tests (run-penx.ts) leaves no process behind: one past its timeout, still running when
 * its test ends, stopped in the background (`stopped`), or still running when the test process itself
 * ends (Ctrl-C, SIGTERM, Vitest's main process gone, exit) is killed with the processes it started.
 * Here `penx` never gets to run: a preload (test/fixtures/hang-with-grandchild.mjs) starts a
 * grandchild, writes its pid, and waits forever — as a sweep's run would outlive a `penx sweep`
 * killed alone (what `execFile`'s timeout did).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { until, within } from '../wait.ts';
import { groupMembers, penxWith, spawnPenxPipedWith, stopped } from './run-penx.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-run-penx-'));
const HANG = ['--import', resolve('test/fixtures/hang-with-grandchild.mjs')];

/** The grandchild whose pid `file` holds, if it is still running (not gone, not a zombie). */
function running(file: string): number | undefined {
  const pid = Number(readFileSync(file, 'utf8'));
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z') ? undefined : pid;
  } catch {
    return undefined;
  }
}

const ENDINGS = ['SIGTERM', 'SIGINT', 'disconnect', 'exit'] as const;
const [timedOut, testEnded, stoppedHere] = ['timed-out', 'test-ended', 'stopped'].map((name) => join(root, `${name}.pid`)) as [string, string, string];
const pidFiles = [timedOut, testEnded, stoppedHere, ...ENDINGS.map((e) => join(root, `${e}.pid`))];
afterAll(() => {
  // On a helper that leaves them (the check failing), the grandchildren are this file's to end.
  for (const file of pidFiles.filter(existsSync)) {
    const pid = running(file);
    if (pid !== undefined && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(root)) process.kill(pid, 'SIGKILL');
  }
  rmSync(root, { recursive: true, force: true });
});

describe('penx from tests leaves no process behind', () => {
  it('past its timeout: killed (137) with the processes it started', async () => {
    const file = timedOut;
    const r = await penxWith({ nodeArgs: HANG, env: { PID_FILE: file }, timeoutMs: 3_000 }, 'train');
    expect(r.code, r.stderr).toBe(137);
    // Nothing started before the timeout (a machine too busy to start node in 3 s): nothing to leave.
    if (existsSync(file)) expect(running(file)).toBeUndefined();
  });

  it('still running when its test ends: killed with the processes it started (1/2: the test ends)', async () => {
    const file = testEnded;
    void penxWith({ nodeArgs: HANG, env: { PID_FILE: file } }, 'train');
    await until(() => existsSync(file), 30_000, 'the grandchild to start');
    expect(running(file)).toBeDefined();
  });

  it('(2/2) gone once that test has ended', () => {
    expect(running(testEnded)).toBeUndefined();
  });

  it('stopped in the background (spawnPenx…, stopped): killed with the processes it started', async () => {
    const file = stoppedHere;
    const run = spawnPenxPipedWith({ nodeArgs: HANG, env: { PID_FILE: file } }, 'train');
    try {
      await until(() => existsSync(file), 30_000, 'the grandchild to start');
      expect(running(file)).toBeDefined();
    } finally {
      await stopped(run.child);
    }
    expect(running(file)).toBeUndefined();
  });
});

/**
 * A process holding a hanging `penx`'s group as a Vitest worker would (test/fixtures/hold-group.ts),
 * its grandchild's pid written to `file`; `pgid` resolves with the group's number once it started.
 */
function holder(file: string): { child: ChildProcess; pgid: Promise<number>; exited: Promise<NodeJS.Signals | null> } {
  const child = fork('test/fixtures/hold-group.ts', [], { execArgv: ['--import', 'tsx'], env: { ...process.env, PID_FILE: file }, stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
  const pgid = new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { pgid: number }).pgid));
    child.once('exit', () => reject(new Error('the holder ended before starting penx')));
  });
  return { child, pgid, exited };
}

describe('penx from tests leaves no process behind when the test process ends first', () => {
  it('by SIGTERM, SIGINT (Ctrl-C), its parent going (Vitest killed) or exit: the group is killed, the signal ends the process still', async () => {
    const files = pidFiles.slice(3);
    const holders = files.map(holder);
    const pgids: number[] = [];
    try {
      await Promise.all(holders.map((h, i) => h.pgid.then((pgid) => (pgids[i] = pgid))));
      await until(() => files.every(existsSync), 30_000, 'the grandchildren to start');
      ENDINGS.forEach((ending, i) => {
        const { child } = holders[i]!;
        expect(groupMembers(pgids[i]!), ending).toHaveLength(2);
        if (ending === 'disconnect') child.disconnect();
        else if (ending === 'exit') child.send('exit');
        else child.kill(ending);
      });
      for (const [i, ending] of ENDINGS.entries()) {
        await until(() => groupMembers(pgids[i]!).length === 0, 30_000, `the group of the penx a holder ended by ${ending} started`);
        expect(running(files[i]!), ending).toBeUndefined();
      }
      // Each holder ends too (a signal ends it still): the leader it started, killed, no longer keeps it.
      expect(await within(Promise.all(holders.map((h) => h.exited)), 30_000, 'a holder still running')).toEqual(['SIGTERM', 'SIGINT', null, null]);
    } finally {
      // On a holder that leaves its group (the check failing), the group is this test's to end.
      await Promise.all(holders.map((h) => stopped(h.child)));
      for (const pgid of pgids) if (pgid !== undefined && groupMembers(pgid).length) process.kill(-pgid, 'SIGKILL');
    }
  });
});
