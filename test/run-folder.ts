/**
 * A test run's own temporary folder (test/global-setup.ts), and those runs killed before their end left behind.
 * Each holds OWNER, this suite's marker: `{ "suite": "penalty-explorer tests", "pid": 4242, "start": 8815133 }`,
 * the Vitest process that made it (pid and start time: test/cli/proc-stat.ts). An earlier run's folder is removed —
 * after the process groups its tests recorded (test/cli/group-records.ts) are ended — only when it holds that marker
 * and its Vitest process is gone:
 *
 *   /tmp/penx-tests-*  ─► a folder of this user's, OWNER ours ─► its process there (same pid, same start)? ─► kept
 *                                                                  └─ no ─► its groups ended, removed
 *                      └─ anything else (no or another marker, a link, another user's) ─► never touched
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Ended, endRecordedGroups } from './cli/group-records.ts';
import { procStat } from './cli/proc-stat.ts';

/** A run folder's name starts so (then mkdtemp's six characters); its marker's name; the suite's name in it. */
const PREFIX = 'penx-tests-';
const OWNER = 'owner.json';
const SUITE = 'penalty-explorer tests';

/** Where a run's tests record the process groups they start (group-records.ts). */
export const groupsOf = (run: string): string => join(run, 'groups');

/** A new run folder in `parent`, marked as this process's, with its folder of group records. */
export function makeRunFolder(parent: string): string {
  const run = mkdtempSync(join(parent, PREFIX));
  const me = procStat(process.pid)!;
  writeFileSync(join(run, OWNER), JSON.stringify({ suite: SUITE, pid: me.pid, start: me.start }));
  mkdirSync(groupsOf(run));
  return run;
}

/** Whether `folder` is a run folder of this suite whose Vitest process is gone (the file's comment). */
function leftBehind(folder: string): boolean {
  const s = lstatSync(folder);
  if (!s.isDirectory() || s.uid !== process.getuid!()) return false;
  let owner: { suite?: unknown; pid?: unknown; start?: unknown };
  try {
    if (!lstatSync(join(folder, OWNER)).isFile()) return false;
    owner = JSON.parse(readFileSync(join(folder, OWNER), 'utf8'));
  } catch {
    return false;
  }
  if (owner.suite !== SUITE || typeof owner.pid !== 'number' || typeof owner.start !== 'number') return false;
  return procStat(owner.pid)?.start !== owner.start;
}

/** What `removeLeftRunFolders` removed: a folder, and the groups its tests had left running. */
export interface LeftRun {
  folder: string;
  groups: Ended[];
}

/** The run folders in `parent` that earlier runs left (the file's comment): their groups ended, removed. */
export async function removeLeftRunFolders(parent: string): Promise<LeftRun[]> {
  const left: LeftRun[] = [];
  for (const name of readdirSync(parent).filter((n) => n.startsWith(PREFIX))) {
    const folder = join(parent, name);
    try {
      if (!leftBehind(folder)) continue;
    } catch {
      continue; // Gone meanwhile (another run removing it).
    }
    left.push({ folder, groups: await endRecordedGroups(groupsOf(folder)) });
    rmSync(folder, { recursive: true, force: true });
  }
  return left;
}
