/**
 * What `--json` of `penx train`, `compare`, `start`, a local `sweep` and `plot` says of the folders
 * they wrote: read back from what is on disk (each run's run.json, each folder's manifest of what
 * penx wrote in it), never recomputed; every path absolute.
 *
 *   a run:    { name, dir, penalty, optimizer, seed, epochs, epoch, testAcc, testLoss, sparsity, stopped, endedEarly, files }
 *             (`epoch`: the last finished one, 0 for none; testAcc, testLoss, sparsity: after it, as run.json records them;
 *              `stopped`: where and why the run diverged, else null; `endedEarly`: a callback ended it, else null)
 *   a folder: { kind: 'run' | 'comparison' | 'sweep', dir, files (not for a run: its files are its run's), runs }
 *
 * @example
 * runJson('figures/runs/l1_1e-4')
 * // { name: 'l1_1e-4', dir: '/home/me/figures/runs/l1_1e-4', epochs: 40, epoch: 40, testAcc: 0.9912, …, stopped: null,
 * //   files: ['/home/me/figures/runs/l1_1e-4/run.json', …, '/home/me/figures/runs/l1_1e-4/checkpoint/model/weights.bin'] }
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { provenPresent, RUN_JSON, readMarker, readRunJson } from 'penalty-explorer/node';

/**
 * The files penx wrote in `dir` (the entries its manifest lists that are there and proven penx's,
 * `provenPresent`: a file or folder only while its content is what penx wrote, a comparison's or
 * sweep's listed folder without a marker never; a folder's files listed inside it), absolute, in the manifest's order; a folder of its own inside (a comparison's
 * run, a run's pruned/) is left out: it is listed as itself.
 */
export function filesWritten(dir: string): string[] {
  const files: string[] = [];
  const add = (path: string) => {
    if (!statSync(path).isDirectory()) files.push(path);
    else for (const name of readdirSync(path).sort()) add(join(path, name));
  };
  for (const name of provenPresent(dir)) {
    const path = resolve(dir, name);
    if (!readMarker(path)) add(path);
  }
  return files;
}

/** A run folder as `--json` gives it (see above), from its run.json. */
export function runJson(dir: string): object {
  const record = readRunJson(dir);
  const last = record.epochs.at(-1) ?? record.initial;
  const { name, penalty, optimizer, seed, epochs } = record.config;
  return {
    name,
    dir: resolve(dir),
    penalty,
    optimizer,
    seed,
    epochs,
    epoch: last.epoch,
    testAcc: last.testAcc,
    testLoss: last.testLoss,
    sparsity: last.sparsity,
    stopped: record.stopped ?? null,
    endedEarly: record.endedEarly ?? null,
    files: filesWritten(dir),
  };
}

/** True when `dir` holds a run record (a run not started, or refused, has none). */
export const hasRecord = (dir: string): boolean => existsSync(join(dir, RUN_JSON));

/**
 * A folder penx wrote as `--json` gives it: a run, or a comparison or sweep with its own files and
 * its runs (those of `runDirs` with a record).
 */
export function folderJson(kind: 'run' | 'comparison' | 'sweep', dir: string, runDirs: readonly string[] = [dir]): object {
  return {
    kind,
    dir: resolve(dir),
    ...(kind === 'run' ? {} : { files: filesWritten(dir) }),
    runs: runDirs.filter(hasRecord).map(runJson),
  };
}
