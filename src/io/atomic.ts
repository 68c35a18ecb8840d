/**
 * Writing files and folders so that a crash never leaves a half-written one in place, and what
 * is written survives a power loss:
 *
 *   file:    temporary sibling `.<name>.<pid>.<rand>.penx-tmp` ─► write ─► fsync ─► rename ─► fsync the folder
 *   files written together (`writeFilesAtomic`: a sweep's figures and report): every temporary
 *            written and fsynced ─► all renamed in one synchronous stretch ─► each folder fsynced
 *   folder:  filled under `<dir>.penx-tmp-<pid>` ─► every file and the folder fsynced ─► the old one
 *            moved to `<dir>.penx-old` ─► the new one renamed in ─► `<dir>.penx-old` removed
 *
 * One of `dir` and `<dir>.penx-old` is always complete (see `completeDir`). The temporary names
 * carry `penx-` so that no user's file is ever taken for one: leftovers of a killed process match
 * `isLeftover` and are removed by the next one, only in a folder proven to be the tool's (see
 * folders/owner.ts). Whoever keeps a manifest of a folder's files hears of every name written into
 * it (`watchWrites`) before the name appears.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** Flush a file or folder to disk. */
async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flush every file below `dir`, then the folders themselves. */
async function fsyncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await fsyncTree(path);
    else if (entry.isFile()) await fsyncPath(path);
  }
  await fsyncPath(dir);
}

// The temporary names written here, and which names are leftovers of them: folder-names.ts.
export { isLeftover, oldCopyOf } from '../folder-names.ts';

/** A temporary name in `dir` for writing `name` (a leftover by `isLeftover` if the writer dies). */
export function tempFileFor(dir: string, name: string): string {
  return join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.penx-tmp`);
}

/** What `treeDigest` takes instead of what is there: files about to be rewritten, entries it leaves out. */
export interface TreeDigestOptions {
  /** Relative path ─► the content it is about to hold. */
  readonly replaced?: Readonly<Record<string, string | Uint8Array>>;
  /** Names directly in the folder left out (the temporary file of a write into it). */
  readonly without?: ReadonlySet<string>;
}

/**
 * The SHA-256 (hex) of everything below `dir`: one JSON line per entry, in name order, paths relative
 * to `dir` — `["d",path]` a folder, `["f",path,size,sha256]` a file, `["o",path]` anything else —
 * with `replaced` (relative path ─► content) taken instead of what is there (a file about to be
 * rewritten) and the names directly in `dir` that `without` holds left out.
 *
 * @example
 * // model/model.json and optimizer.bin below checkpoint/: sha256 of
 * // '["d","model"]\n["f","model/model.json",812,"9c1e…"]\n["f","optimizer.bin",640,"0b7a…"]\n'
 * treeDigest('runs/l1/checkpoint')
 */
export function treeDigest(dir: string, { replaced = {}, without = new Set() }: TreeDigestOptions = {}): string {
  const hash = createHash('sha256');
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      if (!rel && without.has(name)) continue;
      const path = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(join(dir, path));
      if (stat.isDirectory()) {
        hash.update(`${JSON.stringify(['d', path])}\n`);
        walk(path);
      } else if (stat.isFile()) {
        const given = replaced[path];
        const bytes = given === undefined ? readFileSync(join(dir, path)) : typeof given === 'string' ? Buffer.from(given, 'utf8') : given;
        hash.update(`${JSON.stringify(['f', path, bytes.byteLength, createHash('sha256').update(bytes).digest('hex')])}\n`);
      } else hash.update(`${JSON.stringify(['o', path])}\n`);
    }
  };
  walk('');
  return hash.digest('hex');
}

/** What a folder written whole holds: its `treeDigest`; `temp`, the temporary file a rewrite of one of its files puts in it meanwhile (`rewriteInFolder`). */
export interface TreeContent {
  readonly tree: string;
  readonly temp?: string;
}

/** Who hears of names written, per folder (absolute path): a file's name with its content, a folder's with its `treeDigest`. */
type OnName = (name: string, data: string | Uint8Array | TreeContent) => void;
const watchers = new Map<string, OnName>();

/**
 * Call `onName(name, data)` before each file (`data`: what it will hold) or folder (`data`: the
 * `treeDigest` of what it will hold) this module writes directly in `dir` (not below it) appears
 * under its final name; returns the
 * function that stops it. One watcher per folder.
 */
export function watchWrites(dir: string, onName: OnName): () => void {
  const key = resolve(dir);
  watchers.set(key, onName);
  return () => {
    if (watchers.get(key) === onName) watchers.delete(key);
  };
}

/** Tell the watcher of `path`'s folder that `path` is about to be written, with what it will hold. */
function announce(path: string, data: string | Uint8Array | TreeContent): void {
  watchers.get(resolve(dirname(path)))?.(basename(path), data);
}

/** Write `data` to `path` through a temporary file in the same folder, fsync and a rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeFilesAtomic([[path, data]]);
}

/**
 * Write each `[path, data]` of `files` as `writeFileAtomic` does, every one announced to its
 * folder's watcher (`watchWrites`) before any is written: a watcher refusing one (an ownership
 * check) leaves all of them as they were. They replace what was there together: every temporary
 * file is written and fsynced first (the files in place untouched: an exit meanwhile leaves only
 * leftovers), then all are renamed in order with no `await` between (no signal handler of this
 * process — a second Ctrl-C's exit — runs between two of them), then each folder is fsynced. Only a
 * process killed from outside (SIGKILL, a power loss) in the instant of the renames can leave some
 * replaced and some not; the next write of the set puts them right.
 *
 * @example
 * await writeFilesAtomic([['out/a.png', png], ['out/a.svg', svg]])   // a.svg refused ─► a.png not written either
 */
export async function writeFilesAtomic(files: ReadonlyArray<readonly [path: string, data: string | Uint8Array]>): Promise<void> {
  for (const [path] of files) await mkdir(dirname(path), { recursive: true });
  for (const [path, data] of files) announce(path, data);
  const temps: string[] = [];
  try {
    for (const [path, data] of files) {
      const temp = tempFileFor(dirname(path), basename(path));
      temps.push(temp);
      await writeTemp(temp, data);
    }
    for (const [i, [path]] of files.entries()) renameSync(temps[i]!, path);
  } catch (error) {
    await Promise.all(temps.map((temp) => rm(temp, { force: true })));
    throw error;
  }
  for (const folder of new Set(files.map(([path]) => dirname(path)))) await fsyncPath(folder);
}

/** Write `data` into the new file `temp` and fsync it. */
async function writeTemp(temp: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Write `data` into `temp`, fsync it, rename it to `path` and fsync the folder; `temp` removed when that fails. */
async function writeThrough(temp: string, path: string, data: string | Uint8Array): Promise<void> {
  try {
    await writeTemp(temp, data);
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncPath(dirname(path));
}

/**
 * Rewrite file `name` of folder `dir`, which was written whole (`replaceDirAtomic`), as
 * `writeFileAtomic` does: `dir`'s new `treeDigest` announced first, as when it was written, with
 * the name of the temporary file the write puts in it: a process killed meanwhile leaves it there,
 * and it is then known for the tool's own (`temp`), not taken for a user's file.
 *
 * @example
 * // announces { tree: treeDigest('runs/l1/checkpoint', { replaced: { 'run.json': text } }), temp: '.run.json.4242.9f3a0c1d.penx-tmp' }
 * await rewriteInFolder('runs/l1/checkpoint', 'run.json', text)
 */
export async function rewriteInFolder(dir: string, name: string, data: string | Uint8Array): Promise<void> {
  const temp = tempFileFor(dir, name);
  announce(dir, { tree: treeDigest(dir, { replaced: { [name]: data } }), temp: basename(temp) });
  await writeThrough(temp, join(dir, name), data);
}

/**
 * Replace folder `dir` by what `fill(tmpDir)` writes (its `treeDigest` announced before it appears). One of `dir` and `<dir>.old` is always
 * complete (see `completeDir`).
 */
export async function replaceDirAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.penx-tmp-${process.pid}`;
  const old = `${dir}.penx-old`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
    await fsyncTree(tmp);
    announce(dir, { tree: treeDigest(tmp) });
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  await rm(old, { recursive: true, force: true });
  if (existsSync(dir)) await rename(dir, old);
  await rename(tmp, dir);
  await fsyncPath(dirname(dir));
  await rm(old, { recursive: true, force: true });
}

/** The complete one of `dir` and `<dir>.penx-old` (after a crash in replaceDirAtomic), if any. */
export function completeDir(dir: string): string | undefined {
  if (existsSync(dir)) return dir;
  if (existsSync(`${dir}.penx-old`)) return `${dir}.penx-old`;
  return undefined;
}
