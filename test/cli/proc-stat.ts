/**
 * A process as /proc shows it (Linux): `/proc/PID/stat` is `PID (COMM) STATE PPID PGRP SESSION … STARTTIME …`,
 * COMM possibly holding spaces and parentheses, STARTTIME its 22nd field (clock ticks since boot: with the pid,
 * it names one process, never the one the number is handed to next), e.g. `4242 (node) S 1 4242 4242 … 8815133 …`
 * ─► { pid: 4242, state: 'S', pgrp: 4242, session: 4242, start: 8815133 }.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  /** R, S, D, Z (a zombie: ended, not yet reaped), … */
  state: string;
  pgrp: number;
  session: number;
  start: number;
}

/** Process `pid` now, or undefined when there is none. */
export function procStat(pid: number): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pid, state: fields[0]!, pgrp: Number(fields[2]), session: Number(fields[3]), start: Number(fields[19]) };
}

/** Every process now (one that ends while read is left out). */
export function processes(): ProcStat[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .map((p) => procStat(Number(p)))
    .filter((s) => s !== undefined);
}

/** The live processes of group `pgid` (zombies, which hold nothing, left out). */
export function groupMembers(pgid: number): number[] {
  return processes()
    .filter((p) => p.pgrp === pgid && p.state !== 'Z')
    .map((p) => p.pid);
}
