/**
 * `penx adopt DIR… [--json]`: folders an older penx wrote (their manifests list entries by name
 * alone, without the size and SHA-256 this version records) made this version's, on the user's word
 * that their files are as that penx left them — then `--force`, `--resume` and `penx plot` work on
 * them as on any other (the library's `adoptOlderEntries`).
 *
 *   every folder checked first (the tool's marker; a folder that is not penx's: exit 2, nothing recorded)
 *   ─► adoptOlderEntries, folder by folder ─► what was recorded, and what was left (changed since penx wrote it)
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Adopted, adoptOlderEntries, FolderRefusedError, readMarker } from 'penalty-explorer/node';
import { printJson } from '../json.ts';

/** The flags of `penx adopt`. */
export interface AdoptFlags {
  readonly json?: boolean;
}

/** One line saying what `adopted` did in `dir`. */
function adoptedLine(dir: string, { adopted, left }: Adopted): string {
  const what =
    adopted.length === 0 ? 'nothing to adopt (no entry listed by name alone)' : `adopted ${adopted.length} ${adopted.length === 1 ? 'entry' : 'entries'}`;
  const kept = left.length ? `; not adopted, as penalty-explorer cannot prove it wrote them: ${left.map((u) => `${u.path} (${u.why})`).join(', ')}` : '';
  return `${dir}: ${what}${kept}`;
}

/**
 * Adopt each of `dirs` (each checked to be penx's first: one that is not refuses the command, nothing
 * recorded), saying on stderr what was adopted and what was left; `--json`: the same as one document.
 *
 * @example
 * adopt(['figures/runs/quickstart'], {})   // stderr: 'figures/runs/quickstart: adopted 212 entries'
 */
export function adopt(dirs: readonly string[], flags: AdoptFlags): void {
  for (const dir of dirs) {
    const why = !existsSync(dir) ? 'there is no such folder' : !readMarker(dir) ? 'it was not written by penalty-explorer (it has no valid marker)' : undefined;
    if (why) throw new FolderRefusedError(dir, `cannot adopt ${dir}: ${why}; nothing was recorded`, 'write');
  }
  const done = dirs.map((dir) => ({ dir, ...adoptOlderEntries(dir) }));
  for (const d of done) console.error(adoptedLine(d.dir, d));
  if (flags.json) printJson({ folders: done.map(adoptedJson) });
}

/**
 * A folder's part of `penx adopt --json`, every path absolute (the library's are relative to the folder).
 *
 * @example
 * adoptedJson({ dir: 'runs/a', adopted: ['run.json'], left: [] })   // { folder: '/home/me/runs/a', adopted: ['/home/me/runs/a/run.json'], left: [] }
 */
function adoptedJson({ dir, adopted, left }: Adopted & { readonly dir: string }): object {
  const folder = resolve(dir);
  return { folder, adopted: adopted.map((p) => join(folder, p)), left: left.map((u) => ({ ...u, path: join(folder, u.path) })) };
}
