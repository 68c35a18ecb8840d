/**
 * A folder an older version of the tool wrote, adopted: what its manifest lists by name alone
 * recorded as the tool's, on the user's word that it is unchanged (Node only).
 *
 *   dir (the tool's marker; neither it nor a run of it locked by another process)
 *   ─► unprovenFiles: each entry listed without a proof, in dir and in the runs it lists; none listed
 *      by name alone: nothing to adopt, the folder left as it was (not even locked); else read again, dir locked
 *   ─► for each: a proof line of what it holds now (a file's size and SHA-256, a folder's treeDigest)
 *      appended to the manifest that lists it; an entry whose content differs from a proof the
 *      manifest records, or that is not a regular file or folder, is never adopted (`left`)
 *
 * Before proofs, a manifest named the entries the tool wrote and nothing of their content, so the
 * tool cannot tell such an entry from a user's file put in its place since: it neither deletes nor
 * writes over it (`checkRemovable`, `checkOverwrite`). Adopting is the user saying the folder is as
 * the older version left it; afterwards starting it over, resuming it and redrawing it treat it as any other.
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
import { linkedMarker, markedFolder, ownedPresent, proofOf, readMarker, unprovenFiles } from './owner.ts';
import { linkedMarkerRefusal, listedByOlder, type Unproven } from './refusals.ts';

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

/** What `dir` and the runs it lists hold that the tool cannot prove it wrote (`unprovenFiles`); a LockedError when one of those runs is held by another live process. */
function unprovenOf(dir: string): Unproven[] {
  for (const name of ownedPresent(dir)) if (markedFolder(join(dir, name))) checkUnlocked(join(dir, name));
  return unprovenFiles(dir);
}

/**
 * Record as the tool's what an older version listed by name alone in `dir` (a folder with the
 * tool's marker) and in the tool's folders it lists (a comparison's or a sweep's runs): one proof
 * line each, of the content it holds now, appended to the manifest listing it. Refused
 * (FolderRefusedError, nothing recorded; its intent `write`: adopting writes into a folder of the tool's) for a folder without the tool's marker; a LockedError when
 * it or one of its runs is held by another live process. With nothing to adopt, nothing is written (not even its lock): the folder stays as it was.
 */
export function adoptOlderEntries(dir: string): Adopted {
  if (!readMarker(dir)) {
    const links = linkedMarker(dir);
    if (links !== undefined) throw linkedMarkerRefusal(dir, links, 'write');
    throw new FolderRefusedError(dir, `cannot adopt ${dir}: it has no valid ${MARKER_FILE} marker, so penalty-explorer did not write it`, 'write');
  }
  // Nothing to adopt, found by reading alone: the folder left as it was (taking its lock would change its
  // modification time). This version never lists by name alone, so none appears meanwhile; what there is to adopt is read again under the lock.
  checkUnlocked(dir);
  const found = unprovenOf(dir);
  if (!found.some(listedByOlder)) return { adopted: [], left: found };
  const unlock = lockFolder(dir);
  try {
    const unproven = unprovenOf(dir);
    const adopted = unproven.filter(listedByOlder).map((u) => u.path);
    for (const path of adopted) appendFileSync(join(dir, dirname(path), MARKER_FILE), `${JSON.stringify(proofLine(join(dir, path)))}\n`);
    return { adopted, left: unproven.filter((u) => !listedByOlder(u)) };
  } finally {
    unlock();
  }
}
