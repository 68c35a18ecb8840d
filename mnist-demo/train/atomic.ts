/** Writing files and folders so that a crash never leaves a half-written one in place. */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

/** Write `data` to `path` through a temporary sibling and a rename. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/**
 * Replace folder `dir` by what `fill(tmpDir)` writes. The old folder is kept as `<dir>.old` until
 * the new one is in place, so one of the two is always complete (see `completeDir`).
 */
export async function replaceDirAtomic(dir: string, fill: (tmpDir: string) => Promise<void>): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  const old = `${dir}.old`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await fill(tmp);
  await rm(old, { recursive: true, force: true });
  if (existsSync(dir)) await rename(dir, old);
  await rename(tmp, dir);
  await rm(old, { recursive: true, force: true });
}

/** The complete one of `dir` and `<dir>.old` (after a crash in replaceDirAtomic), if any. */
export function completeDir(dir: string): string | undefined {
  if (existsSync(dir)) return dir;
  if (existsSync(`${dir}.old`)) return `${dir}.old`;
  return undefined;
}
