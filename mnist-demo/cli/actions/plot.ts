/**
 * `penx plot DIR… [--bins N] [--range lo,hi] [--epochs LIST] [--overlay-epochs LIST]
 * [--prune-epochs LIST|all]`: redraw every figure and report from run.json files, without training;
 * with --bins/--range every histogram is re-binned from the record's fine histograms; the epoch
 * flags choose a comparison's epochs (histogram rows, more overlays, prune curves side by side).
 * `penx plot FILE.json [--out DIR]`: a run record from elsewhere (the playground's export) drawn
 * into a new run folder of this tool's (default: the file's name without .json).
 *
 *   every record read and checked first (a malformed one: exit 2 naming the file; nothing drawn;
 *   a comparison not finished yet: its runs so far, comparison-runs.ts),
 *   every epoch asked for found in each comparison (one no run has: exit 2, nothing drawn),
 *   and every folder judged (one not penx's to draw into: exit 2, nothing drawn)
 *   ─► each folder a run or a comparison of this tool's (its marker), locked while it is drawn
 *      (a run being trained is refused); a record file: its new folder claimed (a folder with
 *      content is refused untouched) and the record written in it
 *   ─► figures and report drawn (reading never imports code); a comparison says on stderr each
 *      run it draws, then its own figures ─► with --json, one JSON document: the folders drawn
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import {
  type ComparisonOptions,
  checkClaim,
  checkOwnFolder,
  checkWrites,
  claimFolder,
  comparisonDrawing,
  type DrawOptions,
  type EpochOption,
  epochGaps,
  epochGapText,
  FINE_LINEAR,
  type FolderDrawing,
  lockOwnFolder,
  parseRange,
  type RunRecord,
  readRunFile,
  readRunJson,
  runDrawing,
  UsageError,
  useQuietCpu,
  writeRunJson,
} from 'penalty-explorer/node';
import { EPOCH_FLAGS, plotBins, plotValues } from '../flag-values.ts';
import { withJson } from '../json.ts';
import { printable } from '../table.ts';
import { drawingComparison, recordsIn, runsText } from './comparison-runs.ts';
import { folderJson } from './run-json.ts';

/** The flags of `penx plot`, as commander gives them (text, checked by the action). */
export interface PlotFlags {
  readonly bins?: string;
  readonly range?: string;
  /** For a record file: the new run folder to draw it into. */
  readonly out?: string;
  /** A comparison's histograms.png rows, e.g. `0,1,2,5,10,20,30,40`. */
  readonly epochs?: string;
  /** A comparison's extra overlays, e.g. `1,10,40`. */
  readonly overlayEpochs?: string;
  /** A comparison's prune curves side by side, e.g. `10,20,40`, or `all`. */
  readonly pruneEpochs?: string;
  /** One JSON document at the end: the folders drawn, their runs and files. */
  readonly json?: boolean;
}

/** The binning the flags ask for; a UsageError naming the flag when one is bad. */
export function binningOf(flags: PlotFlags): DrawOptions['binning'] {
  const bins = plotBins(flags.bins);
  let range: [number, number] | undefined;
  if (flags.range !== undefined) {
    range = parseRange(flags.range);
    if (!range) throw new UsageError(`--range must be lo,hi with lo < hi, e.g. -0.5,0.5; got ${JSON.stringify(flags.range)}`);
    // Weights beyond the fine histograms' range are only counted there: a wider range would draw them as none.
    if (range[0] < FINE_LINEAR.lo || range[1] > FINE_LINEAR.hi)
      throw new UsageError(
        `--range must be within ${FINE_LINEAR.lo},${FINE_LINEAR.hi}, the range of the recorded fine histograms (weights beyond it are counted, not placed); got ${JSON.stringify(flags.range)}`,
      );
  }
  return bins === undefined && range === undefined ? undefined : { ...(bins === undefined ? {} : { bins }), ...(range ? { range } : {}) };
}

/** A folder to redraw, its records read and checked. */
type Target =
  | { readonly kind: 'run'; readonly dir: string; readonly record: RunRecord }
  | { readonly kind: 'file'; readonly dir: string; readonly record: RunRecord }
  | { readonly kind: 'comparison'; readonly dir: string; readonly names: readonly string[]; readonly runs: readonly RunRecord[] };

function readTarget(dir: string, out: string | undefined): Target {
  if (existsSync(dir) && statSync(dir).isFile()) return { kind: 'file', dir: out ?? join(dirname(dir), basename(dir, '.json')), record: readRunFile(dir) };
  const found = recordsIn(dir);
  if (found === 'run') return { kind: 'run', dir, record: readRunJson(dir) };
  return { kind: 'comparison', dir, names: found.names, runs: found.names.map((n) => readRunJson(join(dir, n))) };
}

/**
 * What `plot` draws into a target: each drawing with the folder it draws into, relative to the
 * target's ('' the target's own; a comparison's runs first, then its own figures).
 */
type Drawings = ReadonlyArray<readonly [folder: string, drawing: FolderDrawing]>;

function drawingsOf(t: Target, options: DrawOptions, comparison: ComparisonOptions): Drawings {
  if (t.kind !== 'comparison') return [['', runDrawing(t.record, options)]];
  return [...t.names.map((n, i) => [n, runDrawing(t.runs[i] as RunRecord, options)] as const), ['', comparisonDrawing(t.runs, comparison)]];
}

/**
 * Refuses a target that is not penx's to draw into — a record file's folder that holds anything, a
 * folder (or a comparison's run) that is not the tool's of its kind, or one where a file the
 * drawing writes is there and not proven penx's (a figure the user replaced) — writing nothing.
 */
function checkTarget(t: Target, drawings: Drawings): void {
  if (t.kind === 'file') {
    checkClaim(t.dir, 'run', {});
    return;
  }
  checkOwnFolder(t.dir, t.kind);
  if (t.kind === 'comparison') for (const n of t.names) checkOwnFolder(join(t.dir, n), 'run');
  // A redraw writes over the figures and pages penx drew: never over a user's file of such a name
  // (exactly the files the drawings write; a user's edit of another file is none of the redraw's business).
  checkWrites(
    t.dir,
    drawings.flatMap(([folder, d]) => d.files.map((f) => join(folder, f))),
  );
}

/**
 * Redraw each folder: a comparison (compare.json) with its runs, or one run (run.json). `--json`:
 * one JSON document at the end, `{ folders: [{ kind: 'run' | 'comparison', dir, files?, runs }] }`
 * (run-json.ts), each folder in the order given.
 */
export async function plot(dirs: readonly string[], flags: PlotFlags = {}): Promise<void> {
  let targets: readonly Target[] = [];
  await withJson(
    flags.json,
    async () => {
      const read = readTargets(dirs, flags);
      targets = read.targets;
      await drawTargets(read);
    },
    () => ({
      folders: targets.map((t) =>
        t.kind === 'comparison'
          ? folderJson(
              'comparison',
              t.dir,
              t.names.map((n) => join(t.dir, n)),
            )
          : folderJson('run', t.dir),
      ),
    }),
  );
}

/** What `plot` draws: the folders, each with its drawings. */
interface Drawing {
  readonly targets: readonly Target[];
  readonly drawings: readonly Drawings[];
}

/** Every record read and every folder judged before the first is drawn: a refused command changes nothing. */
function readTargets(dirs: readonly string[], flags: PlotFlags): Drawing {
  // --bins and --range checked first, before any record is read.
  const binning = binningOf(flags);
  const epochs = plotValues(dirs, flags);
  const targets = dirs.map((d) => readTarget(d, flags.out));
  const asked = (Object.keys(epochs) as EpochOption[]).map((o) => EPOCH_FLAGS[o]);
  const single = targets.find((t) => t.kind !== 'comparison');
  if (asked.length && single)
    throw new UsageError(
      `${asked.join(', ')} choose a comparison folder's epochs (penx compare's, with compare.json); ${single.dir} is a run: its histograms.png and report show every epoch`,
    );
  for (const t of targets) {
    const gaps = t.kind === 'comparison' ? epochGaps(t.runs, epochs) : [];
    if (gaps.length) throw new UsageError(`${t.dir}: ${gaps.map((g) => epochGapText(g, EPOCH_FLAGS[g.option])).join('; ')}`);
  }
  const options = { all: true, ...(binning ? { binning } : {}) };
  const drawings = targets.map((t) => drawingsOf(t, options, { ...epochs, ...(binning ? { binning } : {}) }));
  for (const [i, t] of targets.entries()) checkTarget(t, drawings[i] ?? []);
  return { targets, drawings };
}

async function drawTargets({ targets, drawings }: Drawing): Promise<void> {
  // The penalty-shape figures of old records sample built-in penalties on tiny tensors: the quiet cpu backend.
  await useQuietCpu();
  for (const [ti, t] of targets.entries()) {
    const releases: Array<() => void> = [];
    const steps = drawings[ti] ?? [];
    try {
      if (t.kind === 'file') {
        const claimed = claimFolder(t.dir, {}, 'run');
        releases.push(claimed.release);
        await writeRunJson(t.dir, t.record);
        for (const [, d] of steps) await d.draw(t.dir);
        console.log(`drew ${printable(t.record.config.name)} into ${t.dir}`);
        continue;
      }
      releases.push(lockOwnFolder(t.dir, t.kind));
      if (t.kind === 'comparison') for (const n of t.names) releases.push(lockOwnFolder(join(t.dir, n), 'run'));
      for (const [i, [folder, d]] of steps.entries()) {
        // A comparison's progress on stderr, a line before each run and before its own figures (a big comparison takes half a minute).
        if (t.kind === 'comparison') console.error(folder ? `drawing ${join(t.dir, folder)} (run ${i + 1}/${t.runs.length})` : drawingComparison(t.dir));
        await d.draw(join(t.dir, folder));
      }
      console.log(t.kind === 'comparison' ? `redrew ${t.dir} (${runsText(t.runs.length)})` : `redrew ${t.dir}`);
    } finally {
      for (const release of releases.reverse()) release();
    }
  }
}
