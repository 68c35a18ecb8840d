/**
 * A run folder on disk (Node only): its `run.json`, and taking a folder for a run —
 *
 *   name checked (one plain path segment) ─► the folder's location made, step by step (never a
 *   recursive mkdir that can loop) ─► the folder locked (lock.ts) ─► leftovers of a killed run
 *   removed ─► with content: resume it, or with force empty it — only if this tool wrote it
 *   (run.json, checkpoint/, compare.json or sweep.json) — or refuse
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SpecError } from '../spec/errors.ts';
import { isLeftover, writeFileAtomic } from '../io/atomic.ts';
import { FolderExistsError } from './errors.ts';
import { LOCK_FILE, lockFolder } from './lock.ts';
import { readRunRecord, RecordFormatError } from './read.ts';
import type { RunRecord } from './schema.ts';

export const RUN_JSON = 'run.json';

/** The files that mark a folder as written by this tool. */
const MARKERS = [RUN_JSON, 'checkpoint', 'checkpoint.old', 'compare.json', 'sweep.json'];

/** Longest name a file system takes for one path segment, in bytes. */
const MAX_NAME_BYTES = 255;

/** Throws a SpecError unless `name` is one plain path segment (no `/`, not `.` or `..`, not too long). */
export function checkRunName(name: string, what = 'run name'): void {
  const problem =
    name === '' ? 'is empty'
    : name === '.' || name === '..' ? 'is not a folder name'
    : /[/\\\0]/.test(name) ? 'contains a path separator'
    : Buffer.byteLength(name) > MAX_NAME_BYTES ? `is ${Buffer.byteLength(name)} bytes long (at most ${MAX_NAME_BYTES})`
    : undefined;
  if (problem) throw new SpecError(`${what} '${name.length > 40 ? `${name.slice(0, 40)}…` : name}' ${problem}; give one plain folder name, e.g. l1_1e-4`);
}

/** What a folder holds besides this tool's lock and leftovers. */
function contentOf(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => n !== LOCK_FILE && !isLeftover(n)) : [];
}

/** True when `dir` exists and holds something besides this tool's lock and leftovers of a killed run. */
export function hasContent(dir: string): boolean {
  return contentOf(dir).length > 0;
}

/** True when `dir` holds a run, a comparison or a sweep written by this tool. */
export function isToolFolder(dir: string): boolean {
  return MARKERS.some((m) => existsSync(join(dir, m)));
}

/**
 * Make `dir` and any missing parents one level at a time, after checking the nearest existing
 * ancestor is a writable folder; a SpecError says what is wrong (a file in the way, no permission,
 * a name too long, a location that takes no folders such as /proc). Returns the folders it made,
 * outermost first (see `removeMadeFolders`).
 */
export function makeFolder(dir: string): string[] {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) throw new SpecError(`cannot make ${dir}: ${at} is a file, not a folder`);
  try {
    accessSync(at, constants.W_OK);
  } catch {
    if (missing.length > 0) throw new SpecError(`cannot make ${dir}: ${at} is not writable`);
  }
  const made: string[] = [];
  for (const path of missing) {
    try {
      mkdirSync(path);
      made.push(path);
    } catch (err) {
      // Another process made it meanwhile (runs of a sweep start together): that is as good.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(path).isDirectory()) continue;
      removeMadeFolders(made);
      throw new SpecError(`cannot make ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new SpecError(`${dir} is not writable`);
  }
  return made;
}

/** Remove folders `makeFolder` made, innermost first, as long as they are still empty (a run that stopped before writing). */
export function removeMadeFolders(made: readonly string[]): void {
  for (const path of [...made].reverse()) {
    if (existsSync(path) && readdirSync(path).length === 0) rmSync(path, { recursive: true });
  }
}

/**
 * Remove what a killed run left: temporary files and folders of atomic writes; a checkpoint caught
 * between its old and new copy is put back (`checkpoint.old` → `checkpoint` when only the old one is there).
 */
export function removeLeftovers(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (!isLeftover(name)) continue;
    const path = join(dir, name);
    const whole = name.replace(/\.old$/, '');
    if (name.endsWith('.old') && !existsSync(join(dir, whole))) renameSync(path, join(dir, whole));
    else rmSync(path, { recursive: true, force: true });
  }
}

/** What to do with a folder that already has content. */
export interface FolderPolicy {
  /** Continue the run in it. */
  readonly resume?: boolean;
  /** Delete it and start over (only a folder this tool wrote). */
  readonly force?: boolean;
}

/** A taken folder: release its lock when done. */
export interface ClaimedFolder {
  readonly dir: string;
  /** True when it holds a run to continue (resume was asked and there was content). */
  readonly resumed: boolean;
  release(): void;
}

/**
 * Take `dir` for a run (`what` names it in messages): made, locked, cleaned of leftovers; with
 * content it is resumed, emptied (force, only a folder of this tool) or refused (FolderExistsError).
 */
export function claimFolder(dir: string, policy: FolderPolicy, what: string): ClaimedFolder {
  if (policy.resume && policy.force) throw new SpecError('resume and force contradict each other; give one');
  makeFolder(dir);
  const release = lockFolder(dir);
  try {
    removeLeftovers(dir);
    const content = contentOf(dir);
    if (content.length > 0 && !policy.resume) {
      if (!policy.force) throw new FolderExistsError(dir, what);
      if (!isToolFolder(dir)) {
        throw new SpecError(`refusing to delete ${dir}: it is not a folder written by penalty-explorer (no ${MARKERS.filter((m) => !m.endsWith('.old')).join(', ')}); choose another name or folder`);
      }
      for (const name of content) rmSync(join(dir, name), { recursive: true, force: true });
    }
    return { dir, resumed: policy.resume === true && content.length > 0, release };
  } catch (err) {
    release();
    throw err;
  }
}

/** Empty a run folder this tool wrote, keeping its lock (a run restarted from scratch). */
export function emptyFolder(dir: string): void {
  for (const name of contentOf(dir)) rmSync(join(dir, name), { recursive: true, force: true });
}

/** Write the run record as `run.json` (atomically; compact JSON: a 40-epoch run of the reference model is a few MB). */
export async function writeRunJson(dir: string, record: RunRecord): Promise<void> {
  await writeFileAtomic(join(dir, RUN_JSON), JSON.stringify(record));
}

/** The run record in `dir/run.json`; a SpecError naming the file when it is missing or not a run record. */
export function readRunJson(dir: string): RunRecord {
  const path = join(dir, RUN_JSON);
  try {
    return readRunRecord(JSON.parse(readFileSync(path, 'utf8')));
  } catch (err) {
    const why = err instanceof RecordFormatError ? err.message : (err as Error).message;
    throw new SpecError(`${path}: cannot be read as a run record (${why})`);
  }
}
