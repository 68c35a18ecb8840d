/**
 * A folder an older version of the tool wrote, adopted: what its manifest lists by name alone
 * recorded as the tool's, on the user's word that it is unchanged (Node only).
 *
 *   dir (the tool's marker; locked, and no run of it locked by another process)
 *   ─► unprovenFiles: each entry listed without a proof, in dir and in the runs it lists
 *   ─► for each: a proof line of what it holds now (a file's size and SHA-256, a folder's treeDigest)
 *      appended to the manifest that lists it; an entry whose content differs from a proof the
 *      manifest records, or that is not a regular file or folder, is never adopted (`left`)
 *
 * Before proofs, a manifest named the entries the tool wrote and nothing of their content, so the
 * tool cannot tell such an entry from a user's file put in its place since: it neither deletes nor
 * writes over it (`checkRemovable`, `checkOverwrite`). Adopting is the user saying the folder is as
 * the older version left it; afterwards `--force`, `--resume` and a redraw treat it as any other.
 *
 * @example
 * adoptOlderEntries('figures/runs/quickstart')
 * // { adopted: ['compare.json', 'none/run.json', …], left: [] } — each line appended once: a second call adopts nothing
 */
import { appendFileSync, lstatSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FolderRefusedError } from '../errors.ts';
import { MARKER_FILE } from '../formats/index.ts';
import { treeDigest } from '../io/index.ts';
import { checkUnlocked, lockFolder } from './lock.ts';
import { markedFolder, ownedPresent, proofOf, readMarker, unprovenFiles } from './owner.ts';
import { listedByOlder, type Unproven } from './refusals.ts';

/** What `adoptOlderEntries` did, as paths relative to the folder. */
export interface Adopted {
  /** The entries an older version listed by name alone, now recorded with what they hold. */
  readonly adopted: string[];
  /** Entries the tool cannot prove it wrote for another reason (changed since a proof, not a regular file): not adopted. */
  readonly left: Unproven[];
}

/** The proof line of the entry at `path` as it is now: a folder's tree digest, a file's size and SHA-256. */
function proofLine(path: string): object {
  const name = basename(path);
  return lstatSync(path).isDirectory() ? { name, tree: treeDigest(path) } : { name, ...proofOf(readFileSync(path)) };
}

/**
 * Record as the tool's what an older version listed by name alone in `dir` (a folder with the
 * tool's marker) and in the tool's folders it lists (a comparison's or a sweep's runs): one proof
 * line each, of the content it holds now, appended to the manifest listing it. Refused
 * (FolderRefusedError, nothing recorded; its intent `write`: adopting writes into a folder of the tool's) for a folder without the tool's marker; a LockedError when
 * it or one of its runs is held by another live process.
 */
export function adoptOlderEntries(dir: string): Adopted {
  if (!readMarker(dir))
    throw new FolderRefusedError(dir, `cannot adopt ${dir}: it has no valid ${MARKER_FILE} marker, so penalty-explorer did not write it`, 'write');
  const unlock = lockFolder(dir);
  try {
    for (const name of ownedPresent(dir)) if (markedFolder(join(dir, name))) checkUnlocked(join(dir, name));
    const unproven = unprovenFiles(dir);
    const adopted = unproven.filter(listedByOlder).map((u) => u.path);
    for (const path of adopted) appendFileSync(join(dir, dirname(path), MARKER_FILE), `${JSON.stringify(proofLine(join(dir, path)))}\n`);
    return { adopted, left: unproven.filter((u) => !listedByOlder(u)) };
  } finally {
    unlock();
  }
}
