/**
 * The numbers of a comparison, read from its records: per run and chosen epoch, the test accuracy
 * (and its difference to the run without a penalty), how many weights sit near or at 0, how sharp
 * the histogram's spike at 0 is, and how far the model prunes within a given accuracy loss. Runs
 * that differ only in their seed give the noise floor (the spread of their accuracies).
 *
 *   records ─► per run: epochs chosen ─► each epoch's numbers (below)
 *           ─► runs grouped by setup (every training setting but the seed) ─► spread of test
 *              accuracy per epoch
 *
 * A pure function of the records (data only: reading a record never runs code).
 *
 * A model of several outputs has no single test accuracy: its record holds each output's, after
 * every epoch (`testMetrics`), and each epoch's numbers hold them by output (`testAccByOutput`),
 * as they hold the difference to the run without a penalty (`deltaToNoneByOutput`); the spread
 * over seeds is one per output (`output`).
 *
 * Measures, over all trainable weights (kernels and biases, as the "all weights" histogram):
 *   nearZero3 / nearZero2   share of |w| < 1e-3 / < 1e-2
 *   zeros                   share of w = 0 exactly
 *   spike                   density of the fine histogram within |w| < 0.004 (its two bins at 0)
 *                           over the density within 0.004 ≤ |w| < 0.012 (the next two bins each
 *                           side): 1 for a smooth histogram, ≫ 1 for a spike at 0
 *   nearZero002             share of |w| < 0.02 (trainable weights, from the fine histogram):
 *                           exactly the two bins at 0 of the reference histogram (100 bins over
 *                           [−1, 1]), the spike the reference figures show
 *   medianAbs               median |w| (trainable weights), to the log10|w| histogram's bin: its
 *                           geometric centre, within 6 % (20 bins a decade)
 *   prune                   the largest global prune level whose test accuracy is within `maxDrop`
 *                           points of the run's own, and the sparse size there (after epochs with
 *                           a prune curve)
 *
 * @example
 * const s = summarize([{ folder: 'figures/reference/penalties', records }], { epochs: [1, 10, 40] });
 * s.runs[1].epochs[2].spike;   // 291 for the study's L1 after 40 epochs (86 after 10)
 */
import { decodeCounts, type EpochRecord, FINE_LINEAR, FINE_LOG, type FineGrid, outputAccuracies, type RunRecord, type WeightsSnapshot } from 'penalty-explorer';
import { type CurveAt, pruneLevelOf } from './prune-level.ts';

/** The fine histogram's bins the monitors record and this module reads: 1000 over [−2, 2], 0.004 wide. */
const FINE = FINE_LINEAR;
/** The bin whose lower edge is w = 0 (500 on that grid), and how many bins each side hold |w| < 0.02 (5). */
const ZERO = Math.round((-FINE.lo * FINE.bins) / (FINE.hi - FINE.lo));
const BINS_002 = Math.round((0.02 * FINE.bins) / (FINE.hi - FINE.lo));
/** The log10|w| histogram's bins: 240 over [−10, 2], 20 a decade. */
const LOG = FINE_LOG;

/** `summarize`'s options: the epochs reported and the accuracy loss the prune level may cost. */
export interface SummaryOptions {
  /** Epochs to report (0: the model before training); `'all'`: every recorded epoch. Epochs a run lacks are left out of it. */
  readonly epochs: readonly number[] | 'all';
  /** Accuracy loss allowed for the prune level, in percentage points (default 0.5). */
  readonly maxDrop?: number;
}

/** How far a run prunes after an epoch: the largest level within the allowed accuracy loss, and its size. */
export interface PruneSummary {
  /** Percent of the kernels' weights set to 0. */
  readonly level: number;
  /** Null for a model of several outputs (see testAccByOutput). */
  readonly testAcc: number | null;
  /** A model of several outputs: each output's test accuracy at that level, by output name (absent for one output). */
  readonly testAccByOutput?: Readonly<Record<string, number | null>>;
  /** Bytes of the weights stored sparse at that level, and dense. */
  readonly sparseBytes: number;
  readonly denseBytes: number;
}

/** One run's numbers after one epoch (see the file's comment for each). */
export interface EpochSummary {
  readonly epoch: number;
  /** Null for a model of several outputs (see testAccByOutput) or a loss without accuracy. */
  readonly testAcc: number | null;
  /** A model of several outputs: each output's test accuracy, by output name, e.g. `{ cls: 0.91 }` (absent for one output). */
  readonly testAccByOutput?: Readonly<Record<string, number | null>>;
  /** testAcc minus the unpenalised run's of the same folder, seed and optimiser at this epoch (null without one). */
  readonly deltaToNone: number | null;
  /** A model of several outputs: each output's test accuracy minus the unpenalised run's, as deltaToNone (absent for one output). */
  readonly deltaToNoneByOutput?: Readonly<Record<string, number | null>>;
  /** Shares of |w| < 1e-3 and < 1e-2. */
  readonly nearZero3: number;
  readonly nearZero2: number;
  /** Share of weights exactly 0. */
  readonly zeros: number;
  /** Null when the record has no fine histograms (older records) or nothing in the neighbouring bins. */
  readonly spike: number | null;
  /** Share of trainable weights with |w| < 0.02 (null without fine histograms). */
  readonly nearZero002: number | null;
  /** Median |w| of the trainable weights, to the log10|w| bin (null without log histograms). */
  readonly medianAbs: number | null;
  /** Only after epochs whose prune curve was measured. */
  readonly prune?: PruneSummary;
}

/** One run's numbers at the epochs chosen. */
export interface RunSummary {
  /** The comparison (or run) folder, and the run's name in it. */
  readonly folder: string;
  readonly name: string;
  readonly penalty: string;
  readonly seed: number;
  /** Epochs trained so far. */
  readonly trained: number;
  readonly epochs: readonly EpochSummary[];
}

/** The spread of test accuracy over the seeds of one setup: the noise floor a difference between penalties must clear. */
export interface SpreadSummary {
  readonly penalty: string;
  /** A model of several outputs: the output whose test accuracy this is (a spread per output); absent for one output. */
  readonly output?: string;
  /**
   * The settings that set this group apart from the other groups of the same penalty (e.g. its
   * optimiser), by the record's config names; empty when the penalty has one group.
   */
  readonly setup: Readonly<Record<string, Setting>>;
  readonly seeds: readonly number[];
  /** Per epoch every seed reached: the lowest and highest test accuracy. */
  readonly epochs: ReadonlyArray<{ readonly epoch: number; readonly min: number; readonly max: number }>;
}

/** What `summarize` returns: each run's numbers, and the spread over seeds. */
export interface Summary {
  readonly runs: readonly RunSummary[];
  /** Penalties trained with more than one seed. */
  readonly spread: readonly SpreadSummary[];
}

/** A folder's records: a comparison's runs, or one run (names as the folder lists them). */
export interface SummaryInput {
  readonly folder: string;
  /** Each run: its name, record and (for messages) its folder, by default `<folder>/<name>`. */
  readonly records: ReadonlyArray<{ readonly name: string; readonly record: RunRecord; readonly dir?: string }>;
}

/** A histogram's counts summed over trainable weights, with its zeros, values below the grid and all values. */
interface Summed {
  counts: Float64Array;
  zeros: number;
  below: number;
  count: number;
}

/** A fine histogram's counts summed over the trainable weights of a snapshot (null when one lacks it or has another grid). */
function trainableCounts(snapshot: WeightsSnapshot, which: 'fine' | 'logAbs', grid: FineGrid): Summed | null {
  const counts = new Float64Array(grid.bins);
  let [zeros, below, count, seen] = [0, 0, 0, false];
  for (const layer of snapshot.layers) {
    for (const w of layer.weights ?? []) {
      if (!w.trainable) continue;
      const h = w[which];
      if (!h || h.lo !== grid.lo || h.hi !== grid.hi || h.bins !== grid.bins) return null;
      const c = decodeCounts(h.counts, h.bins);
      for (let i = 0; i < grid.bins; i++) counts[i] = (counts[i] as number) + (c[i] as number);
      zeros += h.zeros;
      below += h.below;
      count += h.count;
      seen = true;
    }
  }
  return seen ? { counts, zeros, below, count } : null;
}

/** The share of trainable weights within |w| < 0.004 over the share within 0.004 ≤ |w| < 0.012, as densities. */
export function spikeAtZero(snapshot: WeightsSnapshot): number | null {
  return spikeOf(trainableCounts(snapshot, 'fine', FINE));
}

function spikeOf(h: Summed | null): number | null {
  if (!h) return null;
  const c = h.counts;
  const at = (offset: number) => c[ZERO + offset] as number;
  const centre = at(-1) + at(0);
  const sides = at(-3) + at(-2) + at(1) + at(2);
  // Two centre bins against four side bins of the same width: densities compared.
  return sides === 0 ? null : centre / 2 / (sides / 4);
}

/** The share of trainable weights with |w| < 0.02: the fine histogram's ten bins at 0 (0.004 wide each). */
export function shareWithin002(snapshot: WeightsSnapshot): number | null {
  return within002Of(trainableCounts(snapshot, 'fine', FINE));
}

function within002Of(h: Summed | null): number | null {
  if (!h || h.count === 0) return null;
  let inside = 0;
  for (let i = ZERO - BINS_002; i < ZERO + BINS_002; i++) inside += h.counts[i] as number;
  return inside / h.count;
}

/** The median |w| of the trainable weights, as the geometric centre of the log10|w| bin that holds it (0 when over half are 0). */
export function medianAbs(snapshot: WeightsSnapshot): number | null {
  const h = trainableCounts(snapshot, 'logAbs', LOG);
  if (!h || h.count === 0) return null;
  const half = h.count / 2;
  let seen = h.zeros + h.below;
  if (seen >= half) return 0;
  const width = (LOG.hi - LOG.lo) / LOG.bins;
  for (let i = 0; i < LOG.bins; i++) {
    seen += h.counts[i] as number;
    if (seen >= half) return 10 ** (LOG.lo + (i + 0.5) * width);
  }
  return null; // over half above the grid (|w| > 100)
}

function pruneAt(epoch: EpochRecord | WeightsSnapshot, maxDrop: number, at: CurveAt): PruneSummary | undefined {
  const curve = 'prune' in epoch ? epoch.prune : undefined;
  if (!curve || curve.global.length === 0) return undefined;
  const { point } = pruneLevelOf(at, curve.global, maxDrop);
  const byOutput = accByOutput(point);
  return {
    level: point.level,
    testAcc: point.testAcc,
    ...(byOutput ? { testAccByOutput: byOutput } : {}),
    sparseBytes: point.size.sparse,
    denseBytes: point.size.dense,
  };
}

const snapshotsOf = (r: RunRecord): WeightsSnapshot[] => [r.initial, ...r.epochs];

/** Each output's test accuracy by name, for a model of several outputs (undefined for one output). */
function accByOutput(s: Pick<WeightsSnapshot, 'testMetrics'>): Record<string, number | null> | undefined {
  const byOutput = outputAccuracies(s.testMetrics);
  return byOutput.length ? Object.fromEntries(byOutput.map((o) => [o.output, o.acc])) : undefined;
}

/** a − b, or null when either is missing. */
const minus = (a: number | null | undefined, b: number | null | undefined) => (a === null || a === undefined || b === null || b === undefined ? null : a - b);

/** The differences of an epoch's accuracies to the unpenalised run's at that epoch (`base`; undefined without one). */
function deltas(s: WeightsSnapshot, base: WeightsSnapshot | undefined): Pick<EpochSummary, 'deltaToNone' | 'deltaToNoneByOutput'> {
  const byOutput = accByOutput(s);
  const baseByOutput = base && accByOutput(base);
  return {
    deltaToNone: minus(s.testAcc, base?.testAcc),
    ...(byOutput ? { deltaToNoneByOutput: Object.fromEntries(Object.entries(byOutput).map(([o, acc]) => [o, minus(acc, baseByOutput?.[o])])) } : {}),
  };
}

function epochSummary(s: WeightsSnapshot, maxDrop: number, at: CurveAt): Omit<EpochSummary, 'deltaToNone'> {
  const prune = pruneAt(s, maxDrop, at);
  const fine = trainableCounts(s, 'fine', FINE); // decoded once for both measures that read it
  const byOutput = accByOutput(s);
  return {
    epoch: s.epoch,
    testAcc: s.testAcc,
    ...(byOutput ? { testAccByOutput: byOutput } : {}),
    nearZero3: s.sparsity.lt1e3,
    nearZero2: s.sparsity.lt1e2,
    zeros: s.histogram.count === 0 ? 0 : s.histogram.zeros / s.histogram.count,
    spike: spikeOf(fine),
    nearZero002: within002Of(fine),
    medianAbs: medianAbs(s),
    ...(prune ? { prune } : {}),
  };
}

/** A training setting as a record's config holds it (undefined: not set). */
type Setting = string | number | boolean | undefined;

/** What the penalty is: the settings a run without one leaves out of its comparison. */
const PENALTY_SETTINGS = new Set(['penalty', 'penaltyModule', 'penalizeBias']);

/**
 * The settings that decide how a run trains, but for its seed: two runs of equal setups differ
 * only by chance (the seed's initial weights, batch order and data subsets).
 */
function setupOf(config: RunRecord['config']): Record<string, Setting> {
  const { penalty, penaltyModule, penalizeBias, constraint, trainer, optimizer, lrMult, grad, freeze, loss, batchSize, trainSize, testSize, data } = config;
  return {
    model: config.model?.name,
    modelSource: config.model?.source,
    ...{ penalty, penaltyModule, penalizeBias, constraint, trainer, optimizer, lrMult, grad, freeze, loss, batchSize, trainSize, testSize, data },
  };
}

const sameSetting = (a: Record<string, Setting>, b: Record<string, Setting>, skip: ReadonlySet<string> = new Set()) =>
  Object.keys(a).every((k) => skip.has(k) || a[k] === b[k]);

/**
 * The run without a penalty that `record` is compared with: of the same folder and seed, and the
 * same setup but for the penalty (a comparison trained under several optimisers has one per
 * optimiser), or undefined.
 */
function baselineOf(record: RunRecord, records: SummaryInput['records']): RunRecord | undefined {
  const setup = setupOf(record.config);
  return records.find(
    (r) => r.record.config.penalty === 'none' && r.record.config.seed === record.config.seed && sameSetting(setup, setupOf(r.record.config), PENALTY_SETTINGS),
  )?.record;
}

/** Every run's numbers at the chosen epochs, and the spread over seeds. */
export function summarize(inputs: readonly SummaryInput[], options: SummaryOptions): Summary {
  const maxDrop = options.maxDrop ?? 0.5;
  const runs: RunSummary[] = [];
  const setups: Record<string, Setting>[] = [];
  for (const { folder, records } of inputs) {
    for (const { name, record, dir } of records) {
      const none = baselineOf(record, records);
      const noneAt = new Map(none ? snapshotsOf(none).map((s) => [s.epoch, s] as const) : []);
      const chosen = snapshotsOf(record).filter((s) => options.epochs === 'all' || options.epochs.includes(s.epoch));
      setups.push(setupOf(record.config));
      runs.push({
        folder,
        name,
        penalty: record.config.penalty,
        seed: record.config.seed,
        trained: record.epochs.length,
        epochs: chosen.map((s) => {
          const at = {
            file: `${dir ?? `${folder}/${name}`}/run.json`,
            record,
            index: record.epochs.indexOf(s as EpochRecord),
            scope: 'global',
            command: 'penx summary',
          } as const;
          return { ...epochSummary(s, maxDrop, at), ...deltas(s, noneAt.get(s.epoch)) };
        }),
      });
    }
  }
  return { runs, spread: spreadOver(runs, setups) };
}

/** The spread over seeds of each group of runs with one setup (`setups[i]`: run i's) and more than one seed. */
function spreadOver(runs: readonly RunSummary[], setups: readonly Record<string, Setting>[]): SpreadSummary[] {
  const groups: { setup: Record<string, Setting>; runs: RunSummary[] }[] = [];
  runs.forEach((r, i) => {
    const setup = setups[i]!;
    const group = groups.find((g) => sameSetting(g.setup, setup));
    if (group) group.runs.push(r);
    else groups.push({ setup, runs: [r] });
  });
  const seedsOf = (group: readonly RunSummary[]) => [...new Set(group.map((r) => r.seed))];
  const spread = groups.filter((g) => seedsOf(g.runs).length > 1);
  const out: SpreadSummary[] = [];
  for (const { setup, runs: group } of spread) {
    const seeds = seedsOf(group);
    const epochs = [...new Set(group.flatMap((r) => r.epochs.map((e) => e.epoch)))].sort((a, b) => a - b);
    // What tells this group from the other groups of its penalty.
    const others = spread.filter((g) => g.setup !== setup && g.setup['penalty'] === setup['penalty']);
    const apart = Object.fromEntries(Object.entries(setup).filter(([k, v]) => others.some((g) => g.setup[k] !== v)));
    const outputs = [...new Set(group.flatMap((r) => r.epochs.flatMap((e) => Object.keys(e.testAccByOutput ?? {}))))];
    for (const output of outputs.length ? outputs : [undefined]) {
      const accOf = (e: EpochSummary | undefined) => (output === undefined ? e?.testAcc : e?.testAccByOutput?.[output]);
      const rows = epochs.flatMap((epoch) => {
        const accs = group.map((r) => accOf(r.epochs.find((e) => e.epoch === epoch)));
        if (accs.some((a) => a === undefined || a === null)) return [];
        const values = accs as number[];
        return [{ epoch, min: Math.min(...values), max: Math.max(...values) }];
      });
      out.push({ penalty: group[0]!.penalty, ...(output === undefined ? {} : { output }), setup: apart, seeds, epochs: rows });
    }
  }
  return out;
}
