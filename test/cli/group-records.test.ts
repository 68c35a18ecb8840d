/**
 * What a test run leaves when killed, ended by a later step (group-records.ts, test/run-folder.ts): the process
 * groups a worker killed by SIGKILL left running, killed from their records by the Vitest main process at the run's
 * end; the folders of runs killed before their end, removed by the next run — and nothing else touched. Here on
 * `sleep`s in groups this test starts (spawnInGroup records each in the run's folder; a copy of the record is put
 * where the function under test looks) and on folders it makes.
 */
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { groupsOf, makeRunFolder, removeLeftRunFolders } from '../run-folder.ts';
import { until } from '../wait.ts';
import { endRecordedGroups, RECORDS_ENV } from './group-records.ts';
import { groupMembers, procStat } from './proc-stat.ts';
import { spawnInGroup } from './process-group.ts';
import { stopped } from './run-penx.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-group-records-'));
const started: ChildProcess[] = [];
afterAll(async () => {
  await Promise.all(started.map((c) => stopped(c)));
  rmSync(root, { recursive: true, force: true });
});

/** Whether process `pid` has ended (gone, or a zombie). */
const gone = (pid: number) => procStat(pid) === undefined || procStat(pid)!.state === 'Z';

/**
 * `sh -c script` in a group of its own, once it printed its line (the pids `$!` gave: processes it left in the
 * background); its record copied into `folder` (made if need be).
 */
async function group(script: string, folder = mkdtempSync(join(root, 'records-'))) {
  const child = spawnInGroup('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child);
  const line = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString())));
  const pgid = child.pid!;
  // Its record, named PGID-START (the leader may have exited by now).
  const name = readdirSync(process.env[RECORDS_ENV]!).find((n) => n.startsWith(`${pgid}-`))!;
  mkdirSync(folder, { recursive: true });
  copyFileSync(join(process.env[RECORDS_ENV]!, name), join(folder, name));
  return { child, pgid, background: line.trim().split(' ').map(Number), folder, record: join(folder, name) };
}

describe('the process groups a killed worker left, ended from their records', () => {
  it('its leader still there (the same pid and start time): the whole group killed, the record removed', async () => {
    const g = await group('sleep 300 & echo $!; wait');
    expect(groupMembers(g.pgid).sort()).toEqual([g.pgid, ...g.background].sort());
    expect(await endRecordedGroups(g.folder)).toEqual([{ pgid: g.pgid, pids: expect.arrayContaining([g.pgid, ...g.background]) }]);
    expect(groupMembers(g.pgid)).toEqual([]);
    expect(existsSync(g.record)).toBe(false);
  });

  it('its leader gone: those left in its group killed, only those carrying its token', async () => {
    // Left in the background: one with the environment it inherits, one with the group's token taken out.
    const g = await group('sleep 300 & a=$!; env -u PENX_TEST_GROUP sleep 300 & echo $a $!');
    const [mine, unproven] = g.background as [number, number];
    // `env` has run `sleep` (until then the process carries sh's environment); sh has exited and is reaped (a
    // zombie leader still holds its pid: the group is then proven the record's, and killed whole).
    const slept = () => readFileSync(`/proc/${unproven}/cmdline`, 'utf8').startsWith('sleep\0');
    await until(() => slept() && procStat(g.pgid) === undefined, 10_000, 'env to start sleep, sh to be reaped');
    expect(await endRecordedGroups(g.folder)).toEqual([{ pgid: g.pgid, pids: [mine] }]);
    expect(gone(mine)).toBe(true);
    expect(groupMembers(g.pgid)).toEqual([unproven]);
  });

  it('a record whose pid is another process now (another start time): nothing killed', async () => {
    const g = await group('echo; exec sleep 300');
    const record = JSON.parse(readFileSync(g.record, 'utf8'));
    writeFileSync(g.record, JSON.stringify({ ...record, start: record.start - 1 }));
    expect(await endRecordedGroups(g.folder)).toEqual([]);
    expect(groupMembers(g.pgid)).toEqual([g.pgid]);
  });
});

describe('run folders left by killed runs, removed by the next', () => {
  it('only those marked as this suite’s whose Vitest process is gone, after their groups are ended', async () => {
    const parent = mkdtempSync(join(root, 'tmp-'));
    const folder = (name: string, owner?: object) => {
      const path = join(parent, `penx-tests-${name}`);
      mkdirSync(join(path, 'penx-sweep-x'), { recursive: true });
      if (owner) writeFileSync(join(path, 'owner.json'), JSON.stringify(owner));
      return path;
    };
    const me = procStat(process.pid)!;
    const suite = 'penalty-explorer tests';
    // Left: its process's pid now another's (another start time), or no process's (past pid_max).
    const reused = folder('reused', { suite, pid: me.pid, start: me.start - 1 });
    const dead = folder('dead', { suite, pid: 2 ** 22 + 1, start: 1 });
    const g = await group('echo; exec sleep 300', groupsOf(dead));
    // Kept: a running run's (this process), no marker, another suite's, a link to a folder left.
    const running = makeRunFolder(parent);
    const kept = [running, folder('unmarked'), folder('other', { suite: 'another', pid: 2 ** 22 + 1, start: 1 })];
    symlinkSync(reused, join(parent, 'penx-tests-link'));

    const removed = await removeLeftRunFolders(parent);
    expect(removed.map((r) => r.folder).sort()).toEqual([dead, reused].sort());
    expect(removed.find((r) => r.folder === dead)!.groups).toEqual([{ pgid: g.pgid, pids: [g.pgid] }]);
    expect(groupMembers(g.pgid)).toEqual([]);
    for (const path of [dead, reused]) expect(existsSync(path)).toBe(false);
    for (const path of kept) expect(existsSync(path), path).toBe(true);
    expect(lstatSync(join(parent, 'penx-tests-link')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(join(running, 'owner.json'), 'utf8'))).toEqual({ suite, pid: me.pid, start: me.start });
    expect(existsSync(groupsOf(running))).toBe(true);
  });
});
