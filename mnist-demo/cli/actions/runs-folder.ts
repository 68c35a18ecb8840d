/**
 * `penx summary FOLDER` of a folder that holds run folders (`penx train --out FOLDER`, several
 * `--name`s) and is none itself: one line per run, by name, with its state and its numbers after its
 * last epoch. Read as data (run.json only: no code imported, nothing written).
 *
 *   FOLDER's sub-folders proven runs by their own markers (never by their names or a run.json),
 *   sorted by name ─► each: no run.json yet ─► not started
 *                          run.json no run record ─► unreadable (the problem said)
 *                          its record ─► finished (every epoch it was started for, or ended early)
 *                                        training (not finished, its lock held by a live process)
 *                                        stopped (not finished, nobody training it: --resume continues it)
 *   ─► the records summarised together (summarize: Δ none against the folder's run without a penalty
 *      of the same seed and setup), each at its last epoch
 *
 * @example
 * listRuns('runs', 0.5)
 * // [{ folder: 'runs', name: 'l1', state: 'finished', planned: 2, penalty: 'l1:1e-4', seed: 1, trained: 2, epochs: [{ epoch: 2, testAcc: 0.96, … }] },
 * //  { folder: 'runs', name: 'l2', state: 'not started' }]
 */
import { type Dirent, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { COMPARE_JSON, DataError, IOError, isToolFolder, liveLockHolder, RUN_JSON, type RunRecord, readRunJson } from 'penalty-explorer/node';
import { type RunSummary, summarize } from '../../experiment/summary.ts';
import { counted } from '../../words.ts';
import { markdownTable, table } from '../table.ts';
import { accuracyColumns, measureCells, measureTitles } from './summary-cells.ts';

/** A run with a record: `penx summary RUN --json`'s object for it (at its last epoch), its state, and the epochs it was started for. */
export type RecordedRun = RunSummary & { readonly state: 'finished' | 'training' | 'stopped'; readonly planned: number };

/** A run without a record to read: not started, or its run.json unreadable (`problem`: why). */
export interface UnrecordedRun {
  readonly folder: string;
  readonly name: string;
  readonly state: 'not started' | 'unreadable';
  readonly problem?: string;
}

/** One run of a folder of runs, as `penx summary FOLDER --json` prints it (an array of them; there with `folder` absolute). */
export type ListedRun = RecordedRun | UnrecordedRun;

/**
 * The names of the run folders directly under `dir`, sorted (by code point: the same order on every
 * system), or undefined when `dir` is itself a folder of the tool's (a run, a comparison, a sweep),
 * holds run.json or compare.json, or holds no run folder.
 */
export function runFolders(dir: string): string[] | undefined {
  if (!existsSync(dir) || existsSync(join(dir, RUN_JSON)) || existsSync(join(dir, COMPARE_JSON)) || isToolFolder(dir)) return undefined;
  const names = subFolders(dir, 'run');
  return names.length > 0 ? names : undefined;
}

/** The names of the folders directly under `dir` that are `kind` folders of the tool's, by their markers, sorted; none when `dir` cannot be read. */
function subFolders(dir: string, kind: 'run' | 'comparison' | 'sweep'): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.isDirectory() && isToolFolder(join(dir, e.name), kind))
    .map((e) => e.name)
    .sort();
}

/**
 * What a folder of runs also holds that its listing leaves out, as a line for stderr, or undefined:
 * e.g. `runs also holds 1 comparison (quickstart) and 1 sweep (lambda): give each to penx summary`.
 */
export function notListed(dir: string): string | undefined {
  const held = (['comparison', 'sweep'] as const).flatMap((kind) => {
    const names = subFolders(dir, kind);
    return names.length ? [`${counted(names.length, kind)} (${names.join(', ')})`] : [];
  });
  return held.length ? `${dir} also holds ${held.join(' and ')}: give each to penx summary` : undefined;
}

type Read = { readonly name: string; readonly record: RunRecord } | UnrecordedRun;

/** A run folder's record, or why there is none to read. */
function readRun(dir: string, name: string): Read {
  if (!existsSync(join(dir, name, RUN_JSON))) return { folder: dir, name, state: 'not started' };
  try {
    return { name, record: readRunJson(join(dir, name)) };
  } catch (err) {
    if (err instanceof DataError || err instanceof IOError) return { folder: dir, name, state: 'unreadable', problem: err.message };
    throw err;
  }
}

/** Whether a run has every epoch it was started for (or a callback ended it early). */
const finished = (r: RunRecord) => r.epochs.length >= r.config.epochs || r.endedEarly !== undefined;

/** The runs of the folder of runs `dir` (`runFolders`; `names`: those, when already listed), each at its last epoch (see the file's comment). */
export function listRuns(dir: string, maxDrop: number, names = runFolders(dir) ?? []): ListedRun[] {
  const read = names.map((name) => readRun(dir, name));
  const records = read.filter((r) => 'record' in r);
  const lasts = [...new Set(records.map((r) => r.record.epochs.length))];
  const summaries = summarize([{ folder: dir, records }], { epochs: lasts, maxDrop }).runs;
  return read.map((r) => {
    if (!('record' in r)) return r;
    const s = summaries[records.indexOf(r)] as RunSummary;
    const state = finished(r.record) ? 'finished' : liveLockHolder(join(dir, r.name)) ? 'training' : 'stopped';
    return { ...s, epochs: s.epochs.filter((e) => e.epoch === s.trained), state, planned: r.record.config.epochs };
  });
}

/**
 * The listing as text, one line per run under a header (Markdown with `markdown`): `run`, `penalty`
 * (with its strength, e.g. `l1:1e-4`), `seed`, `state`, `epochs` (done/planned, e.g. `2/40`), then
 * the measures of `penx summary`'s tables after the last epoch; a run without a record has its state
 * only, and an unreadable one's problem follows the table.
 */
export function listingText(runs: readonly ListedRun[], maxDrop: number, markdown = false): string {
  const recorded = runs.filter((r): r is RecordedRun => 'planned' in r);
  const acc = accuracyColumns(recorded.flatMap((r) => r.epochs));
  const titles = ['run', 'penalty', 'seed', 'state', 'epochs', ...measureTitles(acc, maxDrop)];
  const cells = (r: ListedRun) => {
    if (!('planned' in r)) return [r.name, '', '', r.state];
    const last = r.epochs[0];
    return [r.name, r.penalty, String(r.seed), r.state, `${r.trained}/${r.planned}`, ...(last ? measureCells(last, acc) : [])];
  };
  const rows = runs.map((r) => Object.assign(new Array<string>(titles.length).fill(''), cells(r)));
  const problems = runs.flatMap((r) => ('problem' in r && r.problem ? [`${r.name}: ${r.problem}`] : []));
  return [(markdown ? markdownTable : table)(titles, rows), ...problems].join('\n');
}
