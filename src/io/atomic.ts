/**
 * Writing files and folders so that a crash never leaves a half-written one in place, and what
 * is written survives a power loss:
 *
 *   file:    temporary sibling `.<name>.<pid>.<rand>.tmp` ─► write ─► fsync ─► rename ─► fsync the folder
 *   folder:  filled under `<dir>.tmp-<pid>` ─► every file and the folder fsynced ─► the old one moved
 *            to `<dir>.old` ─► the new one renamed in ─► `<dir>.old` removed
 *
 * One of `dir` and `<dir>.old` is always complete (see `completeDir`); leftovers of a killed
 * process match `isLeftover` and are removed by the next one (see record/folder.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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

/** True for the temporary names this module writes: `.x.<pid>.<hex>.tmp`, `<dir>.tmp-<pid>`, `<dir>.old`. */
export function isLeftover(name: string): boolean {
  return /^\..*\.\d+\.[0-9a-f]+\.tmp$/.test(name) || /\.tmp-\d+$/.test(name) || /\.old$/.test(name);
}

/** Write `data` to `path` through a temporary file in the same folder, fsync and a rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await fsyncPath(dirname(path));
}

/**
 * Replace folder `dir` by what `fill(tmpDir)` writes. One of `dir` and `<dir>.old` is always
 * complete (see `completeDir`).
 */
export async function replaceDirAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
    await fsyncTree(tmp);
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

/** The complete one of `dir` and `<dir>.old` (after a crash in replaceDirAtomic), if any. */
export function completeDir(dir: string): string | undefined {
  if (existsSync(dir)) return dir;
  if (existsSync(`${dir}.old`)) return `${dir}.old`;
  return undefined;
}
