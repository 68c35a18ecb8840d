/**
 * The process groups spawnInGroup starts, recorded on disk, so that the Vitest main process can end the ones a
 * worker killed by SIGKILL left running (none of its handlers ran: process-group.ts). One file per group in the
 * folder PENX_TEST_GROUPS names (test/global-setup.ts: `<the run's folder>/groups`), named `PGID-START` and
 * holding `{ "pgid": 4242, "start": 8815133, "token": "…" }`: the group's number (its leader's pid), the leader's
 * start time (proc-stat.ts) and a token every process of the group carries in its environment (PENX_TEST_GROUP,
 * given to the leader, inherited by what it starts). A recorded group is killed only on proof it is that group:
 *
 *   leader there (a zombie too), the recorded start time ─► kill(-pgid)  (a session leader — `detached` — never changes
 *                                                           group, and no process of another session can join it)
 *   leader gone, processes left in its group             ─► kill each that carries the token (/proc/PID/environ)
 *   anything else (the pid handed out again)             ─► nothing
 *
 * A record is removed once its group is seen empty. Without PENX_TEST_GROUPS (a plain Node process) nothing is recorded.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from '../wait.ts';
import { groupMembers, processes, procStat } from './proc-stat.ts';

/** The environment variable naming the folder of records, and the one carrying a group's token. */
export const RECORDS_ENV = 'PENX_TEST_GROUPS';
export const TOKEN_ENV = 'PENX_TEST_GROUP';

interface GroupRecord {
  pgid: number;
  start: number;
  token: string;
}

/** A new group's token, to give its leader's environment before it starts. */
export const newToken = (): string => randomUUID();

/** Record the group `pgid` leads, started with `token`; the record's path (undefined when not recorded: see the file's comment). */
export function recordGroup(pgid: number, token: string): string | undefined {
  const folder = process.env[RECORDS_ENV];
  const leader = procStat(pgid);
  if (!folder || !leader) return undefined;
  const record: GroupRecord = { pgid, start: leader.start, token };
  const path = join(folder, `${pgid}-${leader.start}`);
  writeFileSync(path, JSON.stringify(record));
  return path;
}

/** Forget a group seen empty. */
export function forgetGroup(path: string | undefined): void {
  if (path) rmSync(path, { force: true });
}

/** What `endRecordedGroups` killed of one record: the group's number and its processes then. */
export interface Ended {
  pgid: number;
  pids: number[];
}

/** Whether process `pid` was started with `token` in its environment (an unreadable one: no). */
function carries(pid: number, token: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${TOKEN_ENV}=${token}`);
  } catch {
    return false;
  }
}

/** The processes of the recorded group still running that are proven its own (the file's comment), killed. */
function killRecorded({ pgid, start, token }: GroupRecord): number[] {
  const leader = procStat(pgid);
  if (leader && leader.start === start) {
    const pids = groupMembers(pgid);
    if (pids.length) process.kill(-pgid, 'SIGKILL');
    return pids;
  }
  if (leader) return []; // The number is another process's now: the group emptied long ago.
  const pids = processes()
    .filter((p) => p.pgrp === pgid && p.state !== 'Z' && carries(p.pid, token))
    .map((p) => p.pid);
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  return pids;
}

/** Whether process `pid` has ended (gone, or a zombie: it holds nothing). */
function gone(pid: number): boolean {
  const stat = procStat(pid);
  return stat === undefined || stat.state === 'Z';
}

/** The recorded group's processes killed, round after round (one forked meanwhile is killed in the next), until none is left. */
async function ended(record: GroupRecord): Promise<number[]> {
  const all: number[] = [];
  for (let pids = killRecorded(record); pids.length; pids = killRecorded(record)) {
    all.push(...pids);
    await until(() => pids.every(gone), 30_000, `process group ${record.pgid} to end`);
  }
  return all;
}

/**
 * Every group recorded in `folder` still running, killed (see the file's comment); resolved once they are gone,
 * with what was killed. The records are removed. E.g. after a worker killed by SIGKILL: `[{ pgid: 4242, pids: [4242, 4250] }]`.
 */
export async function endRecordedGroups(folder: string): Promise<Ended[]> {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  const killed: Ended[] = [];
  for (const name of names) {
    const path = join(folder, name);
    let record: GroupRecord;
    try {
      record = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      continue; // Cut short as it was written: no proof of anything.
    }
    const pids = await ended(record);
    if (pids.length) killed.push({ pgid: record.pgid, pids });
    forgetGroup(path);
  }
  return killed;
}
