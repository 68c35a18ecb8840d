/** What `penx sweep` prints: a sweep's runs from their folders, or from the queue. */

import { join, resolve } from 'node:path';
import type { SweepRecord } from 'penalty-explorer/node';
import type { RunOnQueue, SweepStatus } from '../../experiment/queue-status.ts';
import type { RunState } from '../../experiment/sweep-state.ts';
import { counted } from '../../words.ts';
import { table } from '../table.ts';
import { folderJson, hasRecord, runJson } from './run-json.ts';

const scores = (s: RunState) => {
  const last = s.state === 'done' || s.state === 'failed' ? s.record?.epochs.at(-1) : undefined;
  return [last?.testAcc?.toFixed(4) ?? '', last ? `${(100 * last.sparsity.lt1e3).toFixed(1)}%` : ''];
};

/** One line per run: its state and scores after the last epoch. */
export function printRuns(record: SweepRecord, states: readonly RunState[]): void {
  const what = (s: RunState) => (s.state === 'partial' ? `${s.epochs}/${record.settings.epochs} epochs` : s.state === 'new' ? 'not started' : s.state);
  console.log(
    table(
      ['run', 'state', 'test acc', '|w|<1e-3'],
      record.runs.map((r, i) => [r.name, what(states[i]!), ...scores(states[i]!)]),
    ),
  );
}

/**
 * `--json` of a sweep on this machine: `{ out, kind: 'sweep', dir, files, runs }`, every run of the
 * grid in order with its `state` (done, failed with its `reason`, partial, new) and, when it has a
 * run.json, the run's fields (run-json.ts), else its `name` and `dir`.
 */
export function sweepJson(out: string, dir: string, record: SweepRecord, states: readonly RunState[]): object {
  const runs = record.runs.map((r, i) => {
    const s = states[i]!;
    const runDir = join(dir, r.name);
    return {
      state: s.state,
      ...(s.state === 'failed' ? { reason: s.reason } : {}),
      ...(hasRecord(runDir) ? runJson(runDir) : { name: r.name, dir: resolve(runDir) }),
    };
  });
  return { out: resolve(out), ...folderJson('sweep', dir, []), runs };
}

/** A run's progress on the queue: `epoch 3/40 35%; after epoch 2: acc 0.9812, |w|<1e-3 12.3%`, or `40 epochs (resumed after 12)` when done. */
export function progressText(r: RunOnQueue): string {
  const p = r.progress;
  if (r.state === 'done' && r.result)
    return `${counted(r.result.epochs, 'epoch')}${r.result.skipped ? ' (finished before)' : r.result.resumedAfter ? ` (resumed after ${r.result.resumedAfter})` : ''}`;
  if (!p) return '';
  const scores =
    p.testAcc === undefined
      ? ''
      : `; after epoch ${p.batch === p.batches ? p.epoch : p.epoch - 1}: acc ${p.testAcc?.toFixed(4) ?? 'n/a'}, |w|<1e-3 ${(100 * (p.sparsity ?? 0)).toFixed(1)}%`;
  return `epoch ${p.epoch}/${p.epochs} ${Math.round((100 * p.batch) / Math.max(1, p.batches))}%${scores}`;
}

/** The counts of a sweep on the queue, then one line per run. */
export function printStatus(status: SweepStatus, url: string): void {
  const c = status.counts;
  console.log(
    `sweep ${status.sweep} on ${url}: ${c.done} done, ${c.running} running, ${c.waiting} waiting, ${c.failed} failed (${counted(status.runs.length, 'run')})`,
  );
  console.log(
    table(
      ['run', 'state', 'progress', 'worker', 'note'],
      status.runs.map((r) => [r.run, r.state, progressText(r), r.worker ?? '', r.reason ?? '']),
    ),
  );
}
