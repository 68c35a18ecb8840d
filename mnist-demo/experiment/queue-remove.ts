/**
 * Taking a sweep off the queue (`penx sweep --queue … --remove`), its last phase:
 *
 *   by the sweep's name ─► refused while a worker trains one of its runs ─► its jobs (named by the registry's
 *   entry, read loosely: one that is no valid sweep record, put on by another tool, still names them), its
 *   registry entry and its SHA-256s
 */
import type { Job, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { UsageError } from 'penalty-explorer/node';
import { jobsOf, MONITORS, REGISTRY, type SweepJob, type SweepNames, type SweepResult } from './queue-jobs.ts';

/**
 * Remove the sweep named `name` from `queue` (`redis`: a plain connection to its server) when no
 * worker is training it: its jobs and its registry entry — also one whose entry is no valid sweep
 * record (its runs' names read loosely, see `namesIn`), so it can always be taken off. Returns how
 * many jobs it removed; undefined when there is no such sweep.
 */
export async function removeSweep(queue: Queue<SweepJob, SweepResult>, redis: Redis, name: string): Promise<number | undefined> {
  const json = await redis.hget(REGISTRY, name);
  if (json === null) return undefined;
  const jobs = (await jobsOf(queue, namesIn(name, json))).filter((j): j is Job<SweepJob, SweepResult> => j !== undefined);
  const active = [];
  for (const job of jobs) if ((await job.getState()) === 'active') active.push(job.data.run.name);
  if (active.length)
    throw new UsageError(`sweep ${name} has ${active.length} run(s) being trained (${active.join(', ')}); stop their workers or wait, then remove it`);
  for (const job of jobs) await job.remove();
  await redis.hdel(MONITORS, name);
  await redis.hdel(REGISTRY, name);
  return jobs.length;
}

/**
 * The runs' names a registry entry holds, read without its schema: those of a record that is no
 * valid one too (names no folder can have, put on by another tool), which name its jobs still.
 *
 * @example
 * namesIn('s', '{"runs":[{"name":"../x"},{"name":3}]}')   // { name: 's', runs: [{ name: '../x' }] }
 */
export function namesIn(name: string, json: string): SweepNames {
  let entry: unknown;
  try {
    entry = JSON.parse(json);
  } catch {
    return { name, runs: [] };
  }
  const runs = typeof entry === 'object' && entry !== null && 'runs' in entry && Array.isArray(entry.runs) ? (entry.runs as unknown[]) : [];
  return { name, runs: runs.flatMap((r) => (typeof r === 'object' && r !== null && 'name' in r && typeof r.name === 'string' ? [{ name: r.name }] : [])) };
}
