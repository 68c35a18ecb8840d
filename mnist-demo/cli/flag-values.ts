/**
 * The flags read and checked without the library: numbers, lists, paths and combinations of flags,
 * by the grammar of `penalty-explorer/spec` and the errors of `penalty-explorer/errors` (no TF.js).
 * Each command checks these first, in a hook before the library loads (commands/*.ts: a refused
 * flag costs ~0.1 s, not the ~0.5 s of loading TF.js), and its action reads the values from the
 * same functions; specs, modules, data and folders are checked by the action, after them.
 *
 *   argv ─► commander ─► these checks (exit 2 here: nothing loaded, nothing written) ─► the library ─► the action
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { PruneOptions } from 'penalty-explorer';
import { IOError, UsageError } from 'penalty-explorer/errors';
import type { ComparisonOptions, EpochOption } from 'penalty-explorer/node';
import { checkRunName, checkSpec, formatNumber, isModuleRef, parseNumber } from 'penalty-explorer/spec';
import { MNIST_TEST_IMAGES, MNIST_TRAIN_IMAGES } from '../data/bundled.ts';
import { checkBatchSize } from '../experiment/batch-size.ts';
import { RUNS_FOLDER } from '../experiment/reference.ts';
import { checkNoStrength, checkStrengthsGiven, checkSweepStrengths, penaltyKey, sweepPenaltyText, takesStrength } from '../experiment/sweep-texts.ts';
import { counted } from '../words.ts';
import type { ExperimentFlags } from './experiment-options.ts';
import { gradSpecs } from './grad-flag.ts';
import { checkNoRepeats, listItems, specList } from './lists.ts';
import { parseLrMult } from './lr-mult-flag.ts';
import { epochsOrAll, numberFlag, portNumber, wholeNumber, wholeNumbers, wholeNumbersOf } from './numbers.ts';
import { givenHost, givenPath } from './paths.ts';

/** `--threads`: a whole number ≥ 1, or undefined (one per core). */
export function threadsFlag(text: string | undefined): number | undefined {
  return wholeNumber(text, '--threads', 1);
}

/** `--max-drop` of `penx summary` and `penx prune`: accuracy points between 0 and 100. */
export function maxDropFlag(text: string): number {
  return numberFlag(text, '--max-drop', { min: 0, max: 100 }, 'accuracy points between 0 and 100 (e.g. 0.5)');
}

/**
 * The live dashboard's flags, before anything is read or written: `--serve`'s port, and `--host`
 * (refused when empty, and without `--serve`: it would be ignored).
 */
export function checkServe(flags: { readonly host?: string; readonly serve?: boolean | string }): void {
  givenHost(flags.host);
  if (typeof flags.serve === 'string') portNumber(flags.serve, '--serve');
  if (flags.host !== undefined && (flags.serve === undefined || flags.serve === false))
    throw new UsageError(`--host ${flags.host} is the live dashboard's address: add --serve, or leave --host out`);
}

/** `--prune-epochs`: `last` (default), `all`, `none`, or a list of epochs such as `10,20,40`, each within the run's `last` epochs. */
export function pruneOption(text: string | undefined, last: number): { prune?: PruneOptions } {
  const t = (text ?? 'last').trim();
  if (t === 'none') return {};
  if (t === 'last' || t === 'all') return { prune: { epochs: t } };
  let epochs: number[];
  // An empty item is refused as such (by listItems), the rest by the message below.
  const items = listItems(t, '--prune-epochs');
  try {
    epochs = wholeNumbersOf(items, t, '--prune-epochs', 1);
  } catch {
    throw new UsageError(`--prune-epochs must be last, all, none, or epochs (whole numbers ≥ 1) such as 10,20,40; got '${t}'`);
  }
  const late = epochs.find((e) => e > last);
  if (late !== undefined)
    throw new UsageError(
      `--prune-epochs ${late} is after the last epoch: the run has ${counted(last, 'epoch')} (--epochs); give epochs from 1 to ${last}, or last, all or none`,
    );
  return { prune: { epochs } };
}

/**
 * The shared training flags that need no library, in this order: `--resume` with `--force`, the
 * dashboard's, the paths, the sizes (against the bundled MNIST's without `--data`: checkBundledSizes), `--epochs`,
 * `--batch-size` (also against the training set's size when the flags give it: experiment/batch-size.ts), `--seed`,
 * `--prune-epochs`, `--monitor`'s files, `--name`, then `--constraint`, `--optimizer` and `--grad`'s transforms
 * as their catalogues would check them (`checkSpec`: the built-ins' signatures, no TF.js), then
 * `--lr-mult`'s factors (`parseLrMult`; a module named in a spec, a pattern matching no weight and
 * what a monitor module exports are the action's: parse-experiment.ts).
 */
export function experimentValues(flags: ExperimentFlags): {
  out: string;
  trainSize: number | undefined;
  testSize: number | undefined;
  epochs: number;
  batchSize: number;
  seed: number;
  prune: PruneOptions | undefined;
  monitors: string[];
} {
  if (flags.resume && flags.force) throw new UsageError('--resume and --force contradict each other; give one');
  checkServe(flags);
  const out = givenPath(flags.out, '--out', 'the folder the runs go in, e.g. figures/runs');
  givenPath(flags.data, '--data', 'the folder with the four MNIST-format IDX files, or leave --data out for the bundled MNIST');
  givenPath(flags.model, '--model', 'a module (e.g. ./my-model.ts) or a folder with model.json, or leave --model out for the reference CNN');
  const trainSize = wholeNumber(flags.trainSize, '--train-size', 1);
  const testSize = wholeNumber(flags.testSize, '--test-size', 1);
  checkBundledSizes(trainSize, testSize, flags.data);
  const epochs = wholeNumber(flags.epochs, '--epochs', 1);
  const batchSize = wholeNumber(flags.batchSize, '--batch-size', 1);
  checkBatchSize(batchSize, trainSize, flags.data);
  const seed = wholeNumber(flags.seed, '--seed', 0, Number.MAX_SAFE_INTEGER);
  const prune = pruneOption(flags.pruneEpochs, epochs).prune;
  const monitors = monitorModules(flags.monitor);
  if (flags.name !== undefined) checkRunName(flags.name, '--name');
  if (flags.constraint !== undefined) checkSpec('constraint', flags.constraint);
  checkSpec('optimizer', flags.optimizer);
  if (flags.grad !== undefined) gradSpecs(flags.grad);
  if (flags.lrMult !== undefined) parseLrMult(flags.lrMult);
  return { out, trainSize, testSize, epochs, batchSize, seed, prune, monitors };
}

/**
 * `--monitor`'s modules (none when not given), each a JavaScript or TypeScript file that is there:
 * a UsageError otherwise, from the flags alone, before the library loads (what each exports is
 * the action's: loadMonitor).
 *
 * @example
 * monitorModules('./a.ts,./b.mjs')   // ['./a.ts', './b.mjs'] (both files there)
 * monitorModules('deadRelu')         // throws "--monitor takes a module's path (a .ts or .js file), e.g. ./my-monitor.ts; got 'deadRelu'"
 */
export function monitorModules(text: string | undefined): string[] {
  if (text === undefined) return [];
  const paths = listItems(text, '--monitor');
  if (paths.length === 0) throw new UsageError(`--monitor '${text}' names no module; give e.g. ./my-monitor.ts, or leave --monitor out`);
  for (const path of paths) {
    if (!isModelModule(path)) throw new UsageError(`--monitor takes a module's path (a .ts or .js file), e.g. ./my-monitor.ts; got '${path}'`);
    const abs = resolve(path);
    if (!existsSync(abs) || !statSync(abs).isFile()) throw new UsageError(`monitor module '${path}' not found (looked for ${abs})`);
  }
  return paths;
}

/**
 * A UsageError when `--train-size` or `--test-size` asks for more images than the bundled MNIST has
 * (MNIST_TRAIN_IMAGES, MNIST_TEST_IMAGES: 60 000 and 10 000), known from the flags alone (without
 * `--data`; a `--data` folder's sizes are checked once it is read, before the backend starts).
 *
 * @example
 * checkBundledSizes(70000, 128, undefined)   // throws "--train-size 70000 is more than the bundled MNIST's 60000 training images; give at most 60000, or a larger set with --data"
 * checkBundledSizes(70000, 128, 'my-data')   // no throw: the folder's size is known once it is read
 */
export function checkBundledSizes(trainSize: number | undefined, testSize: number | undefined, data: string | undefined): void {
  if (data !== undefined) return;
  for (const [flag, size, has, kind] of [
    ['--train-size', trainSize, MNIST_TRAIN_IMAGES, 'training'],
    ['--test-size', testSize, MNIST_TEST_IMAGES, 'test'],
  ] as const)
    if (size !== undefined && size > has)
      throw new UsageError(`${flag} ${size} is more than the bundled MNIST's ${has} ${kind} images; give at most ${has}, or a larger set with --data`);
}

/** Whether `--model`'s text names a module (a JavaScript or TypeScript file), not a folder holding model.json. */
export const isModelModule = (text: string): boolean => isModuleRef(text) && /\.[cm]?[jt]s$/.test(text);

/**
 * `--model` naming a module that is not there: a UsageError, as importing it would say (before the
 * backend starts, not after). A folder is read by the action; a queued sweep's model is its workers'.
 *
 * @example
 * checkModelModule('./missing.mjs')   // throws "model module './missing.mjs' not found (looked for /home/me/missing.mjs)"
 */
export function checkModelModule(text: string | undefined): void {
  if (text === undefined || !isModelModule(text)) return;
  const abs = resolve(text);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new UsageError(`model module '${text}' not found (looked for ${abs})`);
}

/** `penx train`'s flags that need no library (the backend's `--threads` too: its action checks it when the backend starts). */
export function checkTrainFlags(flags: ExperimentFlags & { readonly penalty: string }): void {
  checkSpec('penalty', flags.penalty);
  experimentValues(flags);
  checkModelModule(flags.model);
  threadsFlag(flags.threads);
}

/** `penx bench`'s number flags, as commander gives them (text). */
export interface BenchNumberFlags {
  readonly batchSize: string;
  readonly steps: string;
  readonly cpuBatchSize: string;
  readonly cpuSteps: string;
  readonly evalImages?: string;
  readonly threads?: string;
}

/**
 * `penx bench`'s numbers, in this order: `--batch-size`, `--steps`, `--cpu-batch-size`,
 * `--cpu-steps` (0 leaves the cpu reference out), `--eval-images` (1 to the bundled MNIST's
 * 10 000 test images), `--threads` (the optimiser's spec is the action's).
 */
export function benchValues(flags: BenchNumberFlags): {
  batchSize: number;
  steps: number;
  cpuBatchSize: number;
  cpuSteps: number;
  evalImages?: number;
  threads: number | undefined;
} {
  const batchSize = wholeNumber(flags.batchSize, '--batch-size', 1);
  const steps = wholeNumber(flags.steps, '--steps', 1);
  const cpuBatchSize = wholeNumber(flags.cpuBatchSize, '--cpu-batch-size', 1);
  const cpuSteps = wholeNumber(flags.cpuSteps, '--cpu-steps', 0);
  const evalImages = wholeNumber(flags.evalImages, '--eval-images', 1, MNIST_TEST_IMAGES);
  return { batchSize, steps, cpuBatchSize, cpuSteps, ...(evalImages === undefined ? {} : { evalImages }), threads: threadsFlag(flags.threads) };
}

/**
 * `penx compare`'s lists: the penalty specs (at least one) and the optimiser specs (when given, at
 * least one), each item present and checked as its catalogue would check it (`checkSpec`), and none
 * the same as another once normalised (`checkNoRepeats` of their `penaltyKey`s: `l1:1e-4,l1:0.0001`; a
 * module's as far as its text decides, `./m.ts:1e-4,./m.ts:0.0001`, its defaults known once imported).
 */
export function compareLists(flags: { readonly penalties: string; readonly optimizers?: string }): { penalties: string[]; optimizers: string[] | undefined } {
  const penalties = specList(flags.penalties, '--penalties');
  if (penalties.length === 0) throw new UsageError(`--penalties '${flags.penalties}' names no penalty; give a comma-separated list, e.g. none,l1:1e-4`);
  const optimizers = flags.optimizers === undefined ? undefined : listItems(flags.optimizers, '--optimizers', ';');
  if (optimizers?.length === 0)
    throw new UsageError(`--optimizers '${flags.optimizers}' names no optimiser; give a semicolon-separated list, e.g. 'adam:lr=1e-3;adamw:lr=1e-3,wd=1e-4'`);
  for (const spec of penalties) checkSpec('penalty', spec);
  for (const spec of optimizers ?? []) checkSpec('optimizer', spec);
  checkNoRepeats({ flag: '--penalties', text: flags.penalties, items: penalties, what: 'penalty' }, penalties.map(penaltyKey));
  if (optimizers)
    checkNoRepeats(
      { flag: '--optimizers', text: flags.optimizers as string, items: optimizers, what: 'optimiser', separator: ';' },
      optimizers.map((spec) => checkSpec('optimizer', spec) as string),
    );
  return { penalties, optimizers };
}

/** `penx compare`'s flags that need no library. */
export function checkCompareFlags(flags: ExperimentFlags & { readonly penalties: string; readonly optimizers?: string }): void {
  experimentValues(flags);
  checkModelModule(flags.model);
  compareLists(flags);
  threadsFlag(flags.threads);
}

/** The flags of `penx sweep`, as commander gives them (text, checked here and by the action). */
export interface SweepFlags extends ExperimentFlags {
  readonly penalties: string;
  readonly strengths: string;
  readonly seeds?: string;
  readonly jobs?: string;
  readonly queue?: string;
  readonly detach?: boolean;
  readonly status?: boolean;
  readonly json?: boolean;
  readonly remove?: boolean;
}

/** `penx sweep`'s combinations of flags: what to do with a queued sweep (one thing), and what goes with a queue and what not. */
export function checkSweepCombinations(flags: SweepFlags): void {
  // Each is one thing to do with the sweep on the queue: given two, the one not done would pass unsaid.
  const actions = (['status', 'remove', 'detach'] as const).filter((a) => flags[a]);
  if (actions.length > 1) throw new UsageError(`--${actions[0]} and --${actions[1]} are two things to do with a queued sweep; give one`);
  if (flags.queue === undefined && (flags.status || flags.remove || flags.detach))
    throw new UsageError(
      `--${flags.status ? 'status' : flags.remove ? 'remove' : 'detach'} is about a sweep on a queue; give the queue with --queue redis://HOST:PORT`,
    );
  if (flags.json && flags.queue !== undefined && !flags.status)
    throw new UsageError('--json goes with --status on a queue, or with a sweep on this machine (no --queue)');
}

/** `penx sweep`'s combinations of flags for a sweep to train (not `--status` nor `--remove`). */
export function checkSweepToTrain(flags: SweepFlags): void {
  if (flags.queue !== undefined && flags.jobs !== undefined)
    throw new UsageError('--jobs is for a sweep on this machine; on a queue, each worker trains --concurrency runs at once (penx worker --concurrency N)');
  if (flags.queue !== undefined && flags.force)
    throw new UsageError('--force cannot start a queued sweep over; remove it from the queue first (--remove) and delete its folder');
  checkServe(flags);
  if (flags.queue !== undefined && flags.serve !== undefined)
    throw new UsageError('--serve goes with a sweep on this machine; for a queued sweep, run penx serve on the shared folder');
}

/**
 * A sweep's grid as given: penalty specs (each checked as the penalty catalogue would: `checkSpec`,
 * and without a strength of its own), strengths (numbers > 0; some, for a penalty that takes one) and seeds (`--seeds`, else `--seed`),
 * at least one seed; by the grid's own rules where they need only its text (experiment/sweep-texts.ts); no penalty,
 * strength or seed given twice (`checkNoRepeats`: `deadzone` and `deadzone,a=0.25`, `1e-4` and `0.0001`; a module's
 * penalty as far as its text decides, `./m.ts,eps=0.01` and `./m.ts,eps=1e-2`: `penaltyKey`).
 */
export function sweepGrid(flags: SweepFlags): { penalties: string[]; strengths: number[]; seeds: number[] } {
  const seedsText = flags.seeds ?? flags.seed;
  const typed = { strengths: listItems(flags.strengths, '--strengths'), seeds: listItems(seedsText, '--seeds') };
  const grid = {
    penalties: specList(flags.penalties, '--penalties'),
    strengths: typed.strengths.map((s) => parseNumber(s, '--strengths: a strength')),
    seeds: typed.seeds.map((s) => wholeNumber(s, '--seeds: a seed', 0, Number.MAX_SAFE_INTEGER)),
  };
  if (grid.seeds.length === 0) throw new UsageError('--seeds is empty: the grid has 0 runs; give at least one seed, e.g. --seeds 1,2,3');
  // Each spec as its catalogue checks it, then without a strength of its own (the sweep gives them), then the strengths.
  for (const spec of grid.penalties) {
    checkSpec('penalty', spec);
    checkNoStrength(spec);
  }
  checkSweepStrengths(grid.strengths);
  checkStrengthsGiven(grid.penalties, grid.strengths);
  // Then nothing given twice: a penalty, a strength (for a penalty that takes one: `none` alone takes none), a seed.
  checkNoRepeats({ flag: '--penalties', text: flags.penalties, items: grid.penalties, what: 'penalty' }, grid.penalties.map(sweepPenaltyText));
  if (grid.penalties.some((text) => takesStrength(text) !== false))
    checkNoRepeats({ flag: '--strengths', text: flags.strengths, items: typed.strengths, what: 'strength' }, grid.strengths.map(formatNumber));
  checkNoRepeats({ flag: '--seeds', text: seedsText, items: typed.seeds, what: 'seed' }, grid.seeds.map(String));
  return grid;
}

/** `penx sweep`'s flags that need no library, as its action checks them (a sweep to train: its grid, its settings, `--jobs` and `--threads`). */
export function checkSweepFlags(flags: SweepFlags): void {
  checkSweepCombinations(flags);
  if (flags.queue !== undefined && (flags.status || flags.remove)) return;
  checkSweepToTrain(flags);
  const grid = sweepGrid(flags);
  experimentValues({ ...flags, seed: String(grid.seeds[0]) });
  wholeNumber(flags.jobs, '--jobs', 1);
  threadsFlag(flags.threads);
}

/** `penx summary`'s flags and folders that need no library: one output, `--max-drop`, no empty folder, `--epochs` (undefined: not given). */
export function summaryValues(
  dirs: readonly string[],
  flags: { readonly epochs?: string; readonly maxDrop: string; readonly json?: boolean; readonly markdown?: boolean },
): { maxDrop: number; asked: number[] | 'all' | undefined } {
  if (flags.json && flags.markdown) throw new UsageError('--json and --markdown are two outputs: give one of them');
  const maxDrop = maxDropFlag(flags.maxDrop);
  for (const dir of dirs) givenPath(dir, 'a folder given', 'run, comparison or sweep folders');
  return { maxDrop, asked: flags.epochs === undefined ? undefined : epochsOrAll(flags.epochs, '--epochs') };
}

/** `penx prune`'s folder and flags that need no library: the run folder and `--out` not empty, `--max-drop`. */
export function pruneValues(dir: string, flags: { readonly maxDrop: string; readonly out?: string }): { maxDrop: number } {
  givenPath(dir, 'the run folder', 'a run folder penx trained, e.g. figures/runs/l1_1e-4');
  givenPath(flags.out, '--out', 'a folder for the pruned model, or leave --out out for RUN_DIR/pruned');
  return { maxDrop: maxDropFlag(flags.maxDrop) };
}

/** `penx worker`'s flags that need no library: `--out` not empty, `--concurrency`, `--threads` (undefined: one per core). */
export function workerValues(flags: { readonly out: string; readonly concurrency: string; readonly threads?: string }): {
  concurrency: number;
  threads: number | undefined;
} {
  givenPath(flags.out, '--out', 'the shared folder the sweeps are in (as penx sweep --out), e.g. figures/runs');
  return { concurrency: wholeNumber(flags.concurrency, '--concurrency', 1), threads: threadsFlag(flags.threads) };
}

/** `--host` and `--port` of `penx serve` and `penx playground` (a dashboard's `--serve` port: `checkServe`). */
export function listenValues(
  flags: { readonly host?: string; readonly port?: string },
  flag = '--port',
): { host: string | undefined; port: number | undefined } {
  return { host: givenHost(flags.host), port: portNumber(flags.port, flag) };
}

/**
 * `penx serve`'s folder: given (not empty), and a folder — or not there yet (waited for), when the
 * nearest folder above it that is there is a folder (a path under a file can never be one); then its
 * `--host` and `--port`.
 */
export function checkServeFlags(dir: string, flags: { readonly host?: string; readonly port?: string }): void {
  givenPath(dir, 'the folder', `the folder of your runs, or leave it out for ${RUNS_FOLDER}`);
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new IOError(`${dir} is not a folder; give the folder of your runs (default ${RUNS_FOLDER})`);
  } else {
    let above = dirname(resolve(dir));
    while (!existsSync(above) && dirname(above) !== above) above = dirname(above);
    if (!statSync(above).isDirectory())
      throw new IOError(`${dir} can never be a folder: ${above} is not a folder; give the folder of your runs (default ${RUNS_FOLDER})`);
  }
  listenValues(flags);
}

/** The flag of each epoch option of a comparison (`penx plot`). */
export const EPOCH_FLAGS: Readonly<Record<EpochOption, string>> = {
  histogramEpochs: '--epochs',
  overlayEpochs: '--overlay-epochs',
  pruneEpochs: '--prune-epochs',
};

/** Epochs ascending, each once. */
const ascendingOnce = (epochs: readonly number[]): number[] => [...new Set(epochs)].sort((a, b) => a - b);

/** A list of epochs, ascending, each once; a UsageError naming the flag when one is not an epoch. */
function epochsFlag(text: string | undefined, flag: string): number[] | undefined {
  return text === undefined ? undefined : ascendingOnce(wholeNumbers(text, flag, 0));
}

/** The comparison epochs `penx plot`'s flags ask for (each left out when its flag is). */
export function comparisonEpochsOf(flags: {
  readonly epochs?: string;
  readonly overlayEpochs?: string;
  readonly pruneEpochs?: string;
}): Omit<ComparisonOptions, 'binning'> {
  const histogramEpochs = epochsFlag(flags.epochs, EPOCH_FLAGS.histogramEpochs);
  const overlayEpochs = epochsFlag(flags.overlayEpochs, EPOCH_FLAGS.overlayEpochs);
  const prune = flags.pruneEpochs === undefined ? undefined : epochsOrAll(flags.pruneEpochs, EPOCH_FLAGS.pruneEpochs);
  const pruneEpochs = prune === 'all' ? 'all' : prune && ascendingOnce(prune);
  return {
    ...(histogramEpochs ? { histogramEpochs } : {}),
    ...(overlayEpochs ? { overlayEpochs } : {}),
    ...(pruneEpochs ? { pruneEpochs } : {}),
  };
}

/**
 * `penx plot`'s folders and flags that need no library, after `--bins` and `--range` (the action's:
 * the range is checked against the recorded fine histograms): no empty folder nor `--out`, `--out`
 * with one record file only, the comparison epochs.
 */
export function plotValues(
  dirs: readonly string[],
  flags: { readonly out?: string; readonly epochs?: string; readonly overlayEpochs?: string; readonly pruneEpochs?: string },
): Omit<ComparisonOptions, 'binning'> {
  for (const dir of dirs) givenPath(dir, 'a folder given', 'run folders, comparison folders or one run record file');
  givenPath(flags.out, '--out', "the new run folder for the record, or leave --out out for the file's name without .json");
  if (flags.out !== undefined && (dirs.length !== 1 || !existsSync(dirs[0] as string) || !statSync(dirs[0] as string).isFile())) {
    throw new UsageError('--out goes with one run record file (e.g. penx plot run.json --out my-run); run folders are redrawn in place');
  }
  return comparisonEpochsOf(flags);
}

/** `penx plot`'s `--bins`, checked before the library loads as by the action (`binningOf`); then `plotValues`. */
export function checkPlotFlags(dirs: readonly string[], flags: { readonly bins?: string; readonly out?: string }): void {
  plotBins(flags.bins);
  plotValues(dirs, flags);
}

/** `--bins` of `penx plot`: a whole number from 1 to 2000, or undefined. */
export function plotBins(text: string | undefined): number | undefined {
  return wholeNumber(text, '--bins', 1, 2000);
}
