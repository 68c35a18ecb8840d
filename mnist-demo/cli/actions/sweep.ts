/**
 * `penx sweep`: a grid of penalties × strengths × seeds, one ordinary run folder per run in
 * `<out>/<name>/`, with `sweep.json` and the sweep's figures and report beside them.
 *
 *   flags ─► grid (every spec bound) + the shared settings (checked) + the data and the model (checked
 *     on TF.js's cpu; a queued sweep's when they are here) ─► the sweep record
 *     local (default) ─► --jobs, --threads checked, the dashboard started ─► the folder taken (--force:
 *       what penx wrote deleted; run again: what it writes over checked first) ─► sweep.json ─► runs not finished, `--jobs` at a time ─► figures after each
 *       ─► the runs' table (--json: one JSON document, sweep-print.ts)
 *     --queue URL     ─► on the BullMQ queue (sweep-queue-actions.ts): followed, or --detach
 *     --status / --remove with --queue ─► what the queue holds of the sweep
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import {
  checkFolder,
  checkWrites,
  type Dashboard,
  hasContent,
  IOError,
  keptNote,
  makeFolder,
  openFolder,
  readSweepJson,
  removeMadeFolders,
  removeOwned,
  SWEEP_FORMAT,
  SWEEP_JSON,
  type SweepGrid,
  type SweepRecord,
  type SweepSettings,
  UsageError,
  writeSweepJson,
} from 'penalty-explorer/node';
import { checkedData, checkedModel } from '../../experiment/run.ts';
import { drawSweep, sweepFiles } from '../../experiment/sweep-draw.ts';
import { gridRuns } from '../../experiment/sweep-grid.ts';
import { runLocally, threadsPerRun } from '../../experiment/sweep-local.ts';
import { leftOutRuns, otherSettings, type RunState, sweepStates } from '../../experiment/sweep-state.ts';
import type { Experiment } from '../../experiment/types.ts';
import { counted } from '../../words.ts';
import { checkSweepCombinations, checkSweepToTrain, type SweepFlags, sweepGrid, threadsFlag } from '../flag-values.ts';
import { interruptible } from '../interrupts.ts';
import { withJson } from '../json.ts';
import { wholeNumber } from '../numbers.ts';
import { loadRunPenalty, parseExperiment } from './parse-experiment.ts';
import { announceDashboard, dashboardFor, keepServing } from './serve.ts';
import { printRuns, sweepJson } from './sweep-print.ts';
import { queueSweep, removeSweep, sweepStatus } from './sweep-queue-actions.ts';

export type { SweepFlags };

/**
 * Runs trained at once by default. On this project's 2-core machine (see the README's sweep
 * section) two runs at once, one thread each, finished a grid of four small runs as soon as one
 * run at a time on both threads (data-parallel), never later on average; more than half of a small
 * run's time (start, evaluation, snapshots, figures) is on one thread, which two runs at once
 * overlap, and each run's weights are then those of `penx train --threads 1`.
 */
export const DEFAULT_JOBS = 2;

/**
 * The options that are not settings of the runs: the sweep's own, each run's seed and folder, and
 * this machine's (threads, the dashboard, whether runs draw figures). Every other option is a training option every run shares.
 */
const NOT_SETTINGS: ReadonlySet<string> = new Set([
  'penalties',
  'strengths',
  'seeds',
  'jobs',
  'queue',
  'detach',
  'status',
  'json',
  'remove',
  'seed',
  'out',
  'name',
  'resume',
  'force',
  'threads',
  'serve',
  'host',
  'figures',
]);

/**
 * The sweep's settings: the training options as given (text), the same for every run. A queued
 * sweep's `--threads` is one too: every run is trained on that many threads whatever worker takes
 * it, so its numbers do not depend on the machine (on this machine, `--threads` is shared by `--jobs`).
 */
function settingsOf(flags: SweepFlags): SweepSettings {
  const settings = Object.entries(flags).filter(([k, v]) => !NOT_SETTINGS.has(k) && (typeof v === 'string' || typeof v === 'boolean'));
  if (flags.queue !== undefined && flags.threads !== undefined) settings.push(['threads', String(threadsFlag(flags.threads))]);
  // Figures are this machine's choice; a queued sweep's workers need to be told.
  if (flags.queue !== undefined && flags.figures === false) settings.push(['figures', false]);
  return Object.fromEntries(settings);
}

/**
 * Whether the model of a queued sweep is checked here before it is put on the queue, as a sweep on
 * this machine checks it: when there is one to check (a module or folder, per-layer controls or a
 * constraint: checkedModel builds it) and the model and the data are here (a module or folder found,
 * the bundled MNIST or a `--data` folder found); else only its workers can (their paths may be theirs).
 */
function checkableHere(exp: Experiment): boolean {
  const model = exp.model;
  if (model.kind === 'reference' && !exp.controls && !exp.constraint) return false;
  const here = (path: string) => existsSync(resolve(path));
  return (model.kind === 'reference' || here(model.kind === 'module' ? model.path : model.dir)) && (exp.data.dir === undefined || here(exp.data.dir));
}

/**
 * A sweep as the flags describe it: its record, and the names of its `--monitor`s that bring a view
 * (each run records them: their figures are the sweep's too, `sweepFiles`).
 */
interface SweepPlan {
  readonly record: SweepRecord;
  readonly monitorViews: readonly string[];
  /** Each `--monitor` module's SHA-256 at this check, by path (not in sweep.json; a queued sweep's in its jobs): each run refuses a module that differs. */
  readonly monitorDigests: Readonly<Record<string, string>> | undefined;
  /** Each run's penalty as `penx compare` shows it, by run name, for the progress lines (not in sweep.json). */
  readonly shown: ReadonlyMap<string, string>;
}

/**
 * The sweep the flags describe, every spec and setting checked — and the data and the model
 * too, on TF.js's cpu backend, nothing started: for a sweep on this machine (its runs read and build
 * them in child processes, after the folder is taken), and for a queued one whose model and data are
 * here (checkableHere), before anything is put on the queue.
 */
async function planOf(flags: SweepFlags, name: string): Promise<SweepPlan> {
  const grid: SweepGrid = sweepGrid(flags);
  const exp = await parseExperiment({ ...flags, seed: String(grid.seeds[0]), name });
  const expanded = await gridRuns(grid);
  const runs = expanded.map((r) => r.run);
  if (flags.queue === undefined || checkableHere(exp)) {
    // A penalty of the grid (not none) put on every kernel, so a kernel that cannot take one is refused here, not in each run.
    const penalised = runs.find((r) => r.strength !== null);
    const probe = penalised ? [{ ...(await loadRunPenalty(penalised.penalty)), name: penalised.name }] : [];
    await checkedModel(exp, checkedData(exp), probe);
  }
  const record: SweepRecord = { format: SWEEP_FORMAT, name, grid, settings: settingsOf(flags), runs };
  return {
    record,
    monitorViews: (exp.monitors ?? []).filter((m) => m.view !== undefined).map((m) => m.name),
    monitorDigests: exp.monitorDigests,
    shown: new Map(expanded.map((r) => [r.run.name, r.shown])),
  };
}

/** `penx sweep` (see the file's comment): resolves to the exit code (1 when a run failed). */
export async function sweep(flags: SweepFlags): Promise<number> {
  const name = flags.name ?? 'sweep';
  checkSweepCombinations(flags);
  if (flags.queue !== undefined && flags.status) return sweepStatus(flags.queue, name, flags.json === true);
  if (flags.queue !== undefined && flags.remove) return removeSweep(flags.queue, name);
  checkSweepToTrain(flags);
  // A sweep on this machine with --json: one JSON document at the end (sweep-print.ts), also when a
  // run failed (exit 1) or a signal stopped the sweep (exit 130, 143: `interrupted` says how, and the
  // command that resumes it), its runs' states read from their folders.
  let local: { readonly record: SweepRecord; readonly failures: Map<string, string> } | undefined;
  return withJson(
    flags.json,
    async () => {
      const plan = await planOf(flags, name);
      const { record } = plan;
      if (flags.queue !== undefined)
        return queueSweep(flags.queue, record, join(flags.out, name), { detach: flags.detach === true, monitorDigests: plan.monitorDigests });
      local = { record, failures: new Map() };
      const { code, dashboard } = await sweepLocally(plan, flags, local.failures);
      if (dashboard) await keepServing(dashboard);
      return code;
    },
    (interrupted) => {
      if (!local) return undefined;
      const dir = join(flags.out, name);
      return { ...sweepJson(flags.out, dir, local.record, sweepStates(dir, local.record, local.failures)), interrupted };
    },
  );
}

/**
 * Refuse (IOError, nothing touched), before any run starts, to continue the sweep in `dir` when it
 * would write over what penx cannot prove it wrote: sweep.json, the sweep's figures and report
 * (`sweepFiles`: a user's file under such a name, listed or not — a figure of a monitor of the plan
 * too, though no finished run has it yet), and what the runs it resumes rewrite (a resumed run writes
 * over all it lists, as `penx train --resume` checks), all named in one refusal. Each write is
 * checked again as it is made; before, a user's figure was refused only there, after runs trained.
 */
function checkSweepWrites(dir: string, plan: SweepPlan): void {
  const { record } = plan;
  const states = sweepStates(dir, record);
  const resumed = new Set(record.runs.filter((_, i) => states[i]?.state === 'partial').map((r) => r.name));
  checkWrites(dir, [SWEEP_JSON, ...sweepFiles(dir, record, plan.monitorViews)], {
    rewrites: (path) => path.includes('/') && resumed.has(path.split('/')[0] ?? ''),
  });
}

/**
 * Take the sweep folder: new, the same sweep again (its grid may grow, not leave runs out), or with --force started
 * over (what the tool wrote in it deleted, anything else kept and said). A folder that is not a
 * sweep of this tool's is refused untouched. Returns the function that stops listing what is written in it.
 */
async function claimSweepFolder(dir: string, plan: SweepPlan, force: boolean): Promise<() => void> {
  const { record } = plan;
  // Judged as every folder taken is, in the words of what was asked (start it over, or take it: new or
  // the same sweep again); not claimed (claimFolder): its runs' processes share it, unlocked (openFolder).
  checkFolder(dir, 'sweep', { force });
  if (hasContent(dir)) {
    if (force) {
      const { kept: left, unproven } = removeOwned(dir);
      const kept = keptNote(dir, left, unproven);
      if (kept) console.error(kept);
    } else {
      const was = readSweepJson(dir);
      if (!was) throw new IOError(`${dir} holds no sweep record (no sweep.json); give the sweep another --name, or --force to start it over`);
      const why = otherSettings(was, record.settings);
      if (why) throw new UsageError(`${dir} holds a sweep with other settings (${why}); give this one another --name, or --force to start it over`);
      const left = leftOutRuns(was, record);
      if (left)
        throw new UsageError(
          `${dir} holds a sweep with runs this grid leaves out (${left}); nothing was written; give their penalties, strengths and seeds too (a grid may grow), another --name, or --force to start it over`,
        );
      checkSweepWrites(dir, plan);
    }
  }
  const stop = openFolder(dir, 'sweep');
  await writeSweepJson(dir, record);
  return stop;
}

/**
 * Train the sweep's runs not finished on this machine: the exit code (1 when a run failed) and the
 * `--serve` dashboard, still listening. `failures`: filled with the runs that fail in this sitting, with why.
 */
async function sweepLocally(plan: SweepPlan, flags: SweepFlags, failures: Map<string, string>): Promise<{ code: number; dashboard: Dashboard | undefined }> {
  const { record } = plan;
  const dir = join(flags.out, record.name);
  // Every flag is checked and the dashboard started before the folder is taken: --force deletes.
  const jobs = wholeNumber(flags.jobs, '--jobs', 1) ?? DEFAULT_JOBS;
  const threads = threadsFlag(flags.threads) ?? availableParallelism();
  // Listening first: a port taken is refused before any folder is made.
  const dashboard = await dashboardFor(flags, flags.out);
  let made: string[] = [];
  try {
    made = makeFolder(flags.out);
    // The sweep's folder stays listed for this process (its figures are redrawn after every run).
    await claimSweepFolder(dir, plan, flags.force === true);
  } catch (err) {
    await dashboard?.close();
    removeMadeFolders(made);
    throw err;
  }
  // Its address once the sweep's folder is claimed (a refusal before: no address of a dashboard closed at once).
  announceDashboard(dashboard, flags.out);
  const states = sweepStates(dir, record);
  const todo = record.runs.filter((_, i) => states[i]!.state === 'partial' || states[i]!.state === 'new');
  const n = (s: RunState['state']) => states.filter((x) => x.state === s).length;
  // Each run gets the same threads however many are left, so its result does not depend on when it ran;
  // with none left, nothing is started and the line says so (not how runs would be trained).
  const how = todo.length === 0 ? 'nothing left to train' : `${jobs} at a time, ${counted(threadsPerRun(threads, jobs), 'thread')} each`;
  console.error(
    `sweep ${record.name}: ${counted(record.runs.length, 'run')} → ${dir}; ${n('done')} done (skipped), ${n('failed')} failed before (skipped), ${n('partial')} to resume, ${n('new')} to start; ${how}`,
  );
  // Ctrl-C or SIGTERM stops the running runs at their next safe point (resumed by the same command).
  const outcomes = await interruptible((signal) =>
    runLocally(record, dir, todo, {
      signal,
      jobs,
      threads,
      figures: flags.figures !== false,
      shown: plan.shown,
      monitorDigests: plan.monitorDigests,
      onLine: (line) => process.stderr.write(`${line}\n`),
      onFinished: async (run, outcome) => {
        console.error(
          outcome.kind === 'done' ? `[${run.name}] done: test acc ${outcome.testAcc?.toFixed(4) ?? 'n/a'}` : `[${run.name}] failed: ${outcome.message}`,
        );
        if (outcome.kind === 'failed') failures.set(run.name, outcome.message);
        await drawSweep(dir, record, failures);
      },
    }),
  );
  // Runs that failed here are shown failed (with why), not as not started or under way.
  const final = await drawSweep(dir, record, failures);
  printRuns(record, final);
  const crashed = [...outcomes.values()].filter((o) => o.kind === 'failed').length;
  console.log(`report: ${join(dir, 'report.html')}`);
  return { code: crashed > 0 || final.some((s) => s.state === 'failed') ? 1 : 0, dashboard };
}
