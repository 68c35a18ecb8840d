/**
 * What `penx train`, `penx compare` and `penx start` share: the backend started, the data read and
 * turned into tensors, the model checked, then each run trained with progress on stderr; a
 * comparison is drawn when there are several.
 *
 *   data (IDX folder or bundled MNIST) read and checked ─► model checked, and a resume's settings
 *   (on TF.js's cpu backend) ─► dashboard listening (--serve) ─► backend ─► the output folder made
 *   ─► run 1 … run n ─► comparison figures
 *
 * A command refused on its data, its model, a penalty not finite or beyond float32 at the untrained
 * weights, its dashboard's port, or a resume asking for fewer epochs
 * than a run finished, with other settings than a run's record, or leaving out runs of its comparison,
 * has started no backend and written nothing (not even the output folder).
 * A resume of runs that all have their epochs (their records say so) says so first and starts no
 * backend: its runs are only checked against the settings and brought in line (redrawn), on TF.js's cpu backend.
 */
import { join } from 'node:path';
import {
  type BackendInfo,
  checkClaim,
  checkMakeable,
  claimFolder,
  drawComparison,
  hasContent,
  keptNote,
  makeFolder,
  type RunRecord,
  removeMadeFolders,
  resumeState,
  UsageError,
  writeCompareJson,
} from 'penalty-explorer/node';
import { checkedData, checkedModel, type Prepared, prepare, runDir, trainRun } from '../../experiment/run.ts';
import type { Experiment, PenaltyRun } from '../../experiment/types.ts';
import { counted } from '../../words.ts';
import type { BackendFlags } from '../backend-options.ts';
import { interruptible } from '../interrupts.ts';
import { startBackend } from './backend.ts';
import { checkNoneLeftOut, drawingComparison } from './comparison-runs.ts';
import { accuracyText, progressCallbacks } from './progress.ts';
import { announceDashboard, dashboardFor, keepServing } from './serve.ts';

/** How `trainRuns` places its runs and what it says when they are done. */
export interface TrainRunsOptions {
  /** The comparison's name: the runs go to `<out>/<comparison>/<run>/`, and the comparison is drawn there. */
  readonly comparison?: string;
  /** What the command says of the trained runs (its summary, where the report is): said before a `--serve` dashboard keeps serving, not after. */
  readonly finished?: (records: RunRecord[]) => void;
}

/** Train `runs` (into `<out>/<run>/`, or a comparison's folder); say `finished`; with `--serve`, serve until Ctrl-C. */
export async function trainRuns(exp: Experiment, runs: readonly PenaltyRun[], flags: BackendFlags, options: TrainRunsOptions = {}): Promise<RunRecord[]> {
  const { comparison, finished } = options;
  if (runs.length === 0) throw new UsageError('nothing to train: no penalty given; give at least one, e.g. --penalties none,l1:1e-4');
  // An --out that cannot be made (a file in the way, no permission), a folder that is not penx's (or
  // of another kind), or one with content neither resumed nor forced, is refused before any work,
  // untouched (not even locked).
  checkMakeable(exp.out);
  if (comparison === undefined) checkClaim(runDir(exp, runs[0]!), 'run', exp);
  else checkClaim(join(exp.out, comparison), 'comparison', exp);
  // A resume for fewer epochs than a run has finished, or leaving out runs of the comparison (its
  // compare.json would forget them): refused before the backend starts, nothing written.
  if (exp.resume && comparison !== undefined)
    checkNoneLeftOut(
      join(exp.out, comparison),
      runs.map((r) => r.name),
    );
  const states = exp.resume ? runs.map((run) => resumeState(runDir(exp, run, comparison), exp.epochs)) : [];
  // A resume of runs that have every epoch already: each says so, and nothing is said to train.
  const allDone = states.length > 0 && states.every((s) => s.state === 'done' && s.record.epochs.length >= exp.epochs);
  if (allDone)
    console.error(comparison === undefined ? nothingLeft(runDir(exp, runs[0]!), exp.epochs) : nothingLeft(join(exp.out, comparison), exp.epochs, runs.length));
  return interruptible(async (signal) => {
    // The data and the model are checked before anything is written; the data before the backend
    // starts (its refusal is not preceded by the backend's line), none started when nothing trains.
    const set = checkedData(exp);
    // The model too (every kernel taking the runs' penalty), and each run on TF.js's cpu backend: a
    // resume's settings against its record, a new run's weights and penalty at them (a pattern
    // matching no weight, a model that does not fit the data, another seed, l2:1e38: no backend line).
    // The runs share the model: it is built once for all of their checks — for runs with every epoch
    // done too, which are refused for other settings than their records' before their folders are locked.
    const startOf = (i: number) => ({ dir: runDir(exp, runs[i]!, comparison), resumes: states[i] !== undefined && states[i].state !== 'new' });
    const checked = await checkedModel(exp, set, runs, startOf);
    // The dashboard listens before the backend starts and the folder is made (and keeps its port): a
    // port taken is refused with no backend started and nothing written. Its address is printed
    // once both are done (a backend that fails to start: no address of a dashboard closed at once).
    const dashboard = await dashboardFor(flags, exp.out).catch((err) => {
      checked.kept?.model.dispose();
      throw err;
    });
    let records: RunRecord[];
    try {
      const backend = allDone
        ? undefined
        : await startBackend(flags).catch((err) => {
            checked.kept?.model.dispose();
            throw err;
          });
      const data = prepare(set, checked);
      try {
        // Where the runs go: made, and writable (and removed again, while still empty, when the
        // command stops before a run is written).
        const made = makeFolder(exp.out);
        // The address once the backend started and the folder is made: a refusal before then
        // closes a dashboard it never showed.
        announceDashboard(dashboard, exp.out);
        try {
          records = await trainIn(exp, runs, { backend, data, signal, allDone }, comparison);
        } catch (err) {
          removeMadeFolders(made);
          throw err;
        }
      } finally {
        data.dispose();
      }
    } catch (err) {
      await dashboard?.close();
      throw err;
    }
    // Served with every folder released (a redraw or a prune of what was trained is not refused
    // as in use) and the data freed.
    finished?.(records);
    if (dashboard) await keepServing(dashboard);
    return records;
  });
}

/**
 * What a resume of runs that all have their epochs says first (`comparisonRuns`: how many runs the
 * comparison in `where` has; undefined for a run folder), e.g.
 * `nothing left to train: every run in runs/compare (2 runs) has finished its 1 epoch`,
 * `nothing left to train: runs/l1_1e-4 has finished its 40 epochs`.
 */
export function nothingLeft(where: string, epochs: number, comparisonRuns?: number): string {
  const what = comparisonRuns === undefined ? where : `every run in ${where} (${counted(comparisonRuns, 'run')})`;
  return `nothing left to train: ${what} has finished its ${counted(epochs, 'epoch')}`;
}

/** What a session's runs train with. */
interface Session {
  /** Undefined when every run has its epochs already (nothing trains: no backend started). */
  readonly backend: BackendInfo | undefined;
  readonly data: Prepared;
  readonly signal: AbortSignal;
  /** Every run has finished its epochs already (a resume): no "training …" line. */
  readonly allDone: boolean;
}

async function trainIn(exp: Experiment, runs: readonly PenaltyRun[], { backend, data, signal, allDone }: Session, comparison?: string): Promise<RunRecord[]> {
  const set = data.set;
  const where = comparison === undefined ? join(exp.out, runs[0]?.name ?? '') : join(exp.out, comparison);
  const claimed = comparison === undefined ? undefined : claimFolder(where, exp, 'comparison');
  let finished = false;
  try {
    const kept = claimed && keptNote(where, claimed.kept);
    if (kept) console.error(kept);
    const what = runs.length === 1 ? (runs[0]?.penalty.spec ?? '') : `${runs.length} runs`;
    if (!allDone)
      console.error(
        `training ${what} on ${set.trainCount} images (${set.source}, ${set.shape.join('×')}, ${set.classes} classes), testing on ${set.testCount}, ${counted(exp.epochs, 'epoch')} → ${where}`,
      );
    const records: RunRecord[] = [];
    for (const [i, run] of runs.entries()) {
      const label =
        runs.length === 1 ? `[${run.penalty.spec}]` : `[${i + 1}/${runs.length} ${run.penalty.spec}${run.optimizer ? ` ${run.optimizer.split(':')[0]}` : ''}]`;
      // In a comparison each run resumes or starts fresh: the folder was cleared above when forced.
      const runExp = comparison === undefined ? exp : { ...exp, force: false, resume: true };
      const dir = runDir(exp, run, comparison);
      const note = (m: string) => console.error(`${label} ${m}`);
      if (comparison === undefined && exp.resume && !hasContent(dir)) note(`nothing to resume in ${dir}: starting a new run`);
      records.push(await trainRun(runExp, run, data, backend, { callbacks: [progressCallbacks(label)], note, signal }, dir));
    }
    if (comparison !== undefined) {
      if (exp.figures) {
        console.error(drawingComparison(where));
        await drawComparison(where, records);
      }
      await writeCompareJson(
        where,
        runs.map((r) => r.name),
      );
    }
    finished = true;
    return records;
  } finally {
    // Failed before anything was written in it (its first run failed at the untrained weights, say): a
    // comparison folder this call made, holding only its marker, is removed (abandon); else released.
    if (finished) claimed?.release();
    else claimed?.abandon();
  }
}

/** Where to look at a finished run or comparison in `dir`: its report, or (`--no-figures`) its record and how to draw it. */
export function whereToLook(exp: Experiment, dir: string): string {
  return exp.figures ? `report: ${join(dir, 'report.html')}` : `no figures drawn (--no-figures); draw them with: penx plot ${dir}`;
}

/** One line per run: test accuracy and sparsity after the last epoch. */
export function printSummary(runs: readonly RunRecord[]): void {
  for (const r of runs) {
    const last = r.epochs.at(-1);
    if (!last) continue;
    const label = runs.some((o) => o.config.optimizer !== r.config.optimizer) ? `${r.config.penalty} ${r.config.optimizer.split(',')[0]}` : r.config.penalty;
    console.log(
      `${label.padEnd(24)} test ${accuracyText(last)}  |w|<1e-3 ${(100 * last.sparsity.lt1e3).toFixed(1).padStart(5)}%  |w|<1e-2 ${(100 * last.sparsity.lt1e2).toFixed(1).padStart(5)}%`,
    );
  }
}
