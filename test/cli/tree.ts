/** A user's folder as tests make it, and what is in a folder (every path, each file's bytes), to prove a command left it alone. */
import { createHash } from 'node:crypto';
import { appendFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { proofOf } from '../../src/folders/owner.ts';
import { treeDigest } from '../../src/io/atomic.ts';

/** Make `dir` with these files (relative path → content); a path ending in `/` is an empty folder. */
export function userFolder(dir: string, files: Readonly<Record<string, string>>): string {
  mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    if (path.endsWith('/')) mkdirSync(join(dir, path), { recursive: true });
    else {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  }
  return dir;
}

/** Every path below `dir` (relative) with a digest of what it is: a file's bytes, a folder, a link's target. */
export function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(dir, path));
      if (st.isSymbolicLink()) out[path] = `link → ${readlinkSync(join(dir, path))}`;
      else if (st.isDirectory()) {
        out[`${path}/`] = 'folder';
        walk(path);
      } else
        out[path] = createHash('sha256')
          .update(readFileSync(join(dir, path)))
          .digest('hex');
    }
  };
  walk('');
  return out;
}

/**
 * The files below `dir` as absolute paths, sorted: what penx wrote there, less its own marker and
 * lock, and less the folders given in `skip` (its runs, listed on their own).
 */
export function filesBelow(dir: string, skip: readonly string[] = []): string[] {
  return Object.keys(tree(dir))
    .filter((p) => !p.endsWith('/') && !p.split('/').at(-1)!.startsWith('.penx') && !skip.some((s) => p.startsWith(`${s}/`)))
    .map((p) => join(dir, p))
    .sort();
}

/**
 * Append to `dir`'s manifest the proofs penx records writing what its run.json and checkpoint/ hold
 * now: a test that edits them into what an older penx wrote makes them that penx's again (penx
 * writes over only what it proves it wrote).
 */
export function recordAsWritten(dir: string): void {
  const proofs = [
    { name: 'run.json', ...proofOf(readFileSync(join(dir, 'run.json'))) },
    { name: 'checkpoint', tree: treeDigest(join(dir, 'checkpoint')) },
  ];
  appendFileSync(join(dir, '.penx-folder.jsonl'), proofs.map((p) => `${JSON.stringify(p)}\n`).join(''));
}
