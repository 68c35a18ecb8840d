/**
 * The refusals of owner.ts in words: why an entry of a folder of the tool's is not proven its own
 * (`FILE_WHY`, `FOLDER_WHY`), and the messages that refuse to start a folder over (`removalRefusal`)
 * or to write over an entry (`overwriteRefusal`), and note what a deletion left (`keptNote`):
 *
 *   unprovenFiles / a write's check ─► Unproven { path, why } ─► unprovenList ─► the message
 *   every entry listed by an older version alone (`listedByOlder`) ─► OlderFolderError, naming the folder to move
 *   some of them (a deletion's or a write's) ─► OlderFolderError (`onlyOlder` false): move the others, adopt those
 */
import { join } from 'node:path';
import { type FolderIntent, FolderRefusedError, IOError, OlderFolderError } from '../errors.ts';
import { MARKER_FILE } from '../formats/index.ts';

/** What deleting what the tool wrote in a folder is for: starting it over (`force`), or replacing an earlier output of the tool's there with a new one (`output`). */
export type Replacing = Extract<FolderIntent, 'force' | 'output'>;

/** The refusal's opening, by what the deletion was for, e.g. `refusing to start runs/x over`. */
const REFUSING: Readonly<Record<Replacing, (dir: string) => string>> = {
  force: (dir) => `refusing to start ${dir} over`,
  output: (dir) => `refusing to replace the earlier output in ${dir}`,
};

/** Why a listed folder without a marker of its own is not what the tool wrote there. */
export const FOLDER_WHY = {
  unrecorded: 'a folder listed without a record of its content, as an older version listed folders',
  changed: 'a folder whose content is not what penalty-explorer wrote there',
};

/** Why a listed file (or an entry a write would replace) is not proven the tool's. */
export const FILE_WHY = {
  /** Listed by an older version by name alone. */
  unrecorded: 'listed without a record of its content, as an older version listed files',
  changed: 'its content is not what penalty-explorer wrote there',
  notRegular: 'not a regular file',
  notListed: 'not in the manifest: penalty-explorer did not write it',
};

/** The reasons that say only "an older version listed it by name": the folder is an older penx's, nothing in it changed for all the tool knows. */
const OLDER_WHY: ReadonlySet<string> = new Set([FILE_WHY.unrecorded, FOLDER_WHY.unrecorded]);

/** True for an entry unproven only because an older version listed it by name alone (what `adoptOlderEntries` may record). */
export function listedByOlder(unproven: Unproven): boolean {
  return OLDER_WHY.has(unproven.why);
}

/** Why a folder's content differs from every `treeDigest` recorded for it only by a temporary file of the tool's name that no line records. */
export const UNRECORDED_TEMP =
  "a leftover temporary file of an interrupted write, not recorded as penalty-explorer's (an older version did not record them); all else in its folder is what penalty-explorer wrote";

/** A listed entry (a file, or a folder without a marker) the tool cannot prove it wrote, as a path relative to the folder, and why. */
export interface Unproven {
  readonly path: string;
  readonly why: string;
}

/** Paths named per reason in `unprovenList` before `… and N more`. */
const SHOWN_PER_REASON = 4;

/**
 * `unproven` as text, grouped by why (in order of first appearance), each group naming its first
 * few paths: a folder an older version wrote lists every file for one reason, once.
 *
 * @example
 * unprovenList([{ path: 'a.png', why: 'not a regular file' }, { path: 'b.png', why: 'not a regular file' }])
 * // 'a.png, b.png (not a regular file)'
 * // 75 files of an older version's folder ─► 'none/run.json, none/epoch-000.png, none/epoch-000.svg, none/report.html and 71 more (listed without …)'
 */
export function unprovenList(unproven: readonly Unproven[]): string {
  const byWhy = new Map<string, string[]>();
  for (const u of unproven) byWhy.set(u.why, [...(byWhy.get(u.why) ?? []), u.path]);
  return [...byWhy]
    .map(([why, paths]) => {
      const shown = paths.slice(0, SHOWN_PER_REASON).join(', ');
      const more = paths.length > SHOWN_PER_REASON ? ` and ${paths.length - SHOWN_PER_REASON} more` : '';
      return `${shown}${more} (${why})`;
    })
    .join('; ');
}

/**
 * Why `dir`, every unproven entry of which an older version listed by name alone (an upgrading
 * user's folder, `npm start`'s own), is not started over (or its earlier output replaced: `intent`): one sentence
 * naming the folder to move (for an output, or another folder to put it in).
 *
 * @example
 * olderFolderProblem('figures/runs/quickstart', unproven, 'force')   // the quick start's 212 entries, as penx wrote them before proofs
 * // 'refusing to start figures/runs/quickstart over: an older penx wrote it, and its manifest lists 212 entries
 * //  by name only (none/run.json, … and 208 more), without the size and SHA-256 …; move figures/runs/quickstart …'
 */
function olderFolderProblem(dir: string, unproven: readonly Unproven[], intent: Replacing): string {
  const shown = unproven.slice(0, SHOWN_PER_REASON).map((u) => u.path);
  const more = unproven.length > SHOWN_PER_REASON ? ` and ${unproven.length - SHOWN_PER_REASON} more` : '';
  const one = unproven.length === 1;
  return (
    `${REFUSING[intent](dir)}: an older penx wrote it, and its manifest lists ${one ? 'an entry' : `${unproven.length} entries`} by name only ` +
    `(${shown.join(', ')}${more}), without the size and SHA-256 this version records, so penalty-explorer cannot prove ` +
    `${one ? 'it is still what it wrote and does not delete it' : 'they are still what it wrote and deletes none of them'}; ` +
    `nothing was touched; ${intent === 'output' ? 'put the output into another folder, or ' : ''}move ${dir} out of the way (or delete it yourself) and run the command again`
  );
}

/**
 * The refusal (nothing touched) to delete what the tool wrote in `dir` — to start it over, or to
 * replace an earlier output there (`intent`) — while it lists entries it
 * cannot prove it wrote (`unproven`, not empty): a folder an older version wrote, all its entries
 * listed by name alone, in one message naming the folder to move (OlderFolderError,
 * `olderFolderProblem`); some of them so: an OlderFolderError (`onlyOlder` false) naming them all
 * (the others to move, those adopted instead); else a FolderRefusedError naming them, its `remedy`
 * to move them (an app's own remedy, another folder, the alternative to it).
 *
 * @example
 * removalRefusal('runs/x', [{ path: 'a.png', why: 'not a regular file' }]).message
 * // "refusing to start runs/x over: its manifest lists a file penalty-explorer cannot prove it wrote: a.png (not a regular file); nothing was touched;
 * //  move it out of the folder (or delete it if penalty-explorer's) and try again; or choose another name or folder"
 */
export function removalRefusal(dir: string, unproven: readonly Unproven[], intent: Replacing = 'force'): IOError {
  const older = unproven.filter(listedByOlder).length;
  if (older === unproven.length) return new OlderFolderError(dir, olderFolderProblem(dir, unproven, intent), intent);
  const list = unprovenList(unproven);
  const folders = unproven.some((u) => Object.values(FOLDER_WHY).includes(u.why));
  const what = unproven.length === 1 ? (folders ? 'a folder' : 'a file') : `${unproven.length} ${folders ? 'entries' : 'files'}`;
  const them = unproven.length === 1 ? 'it' : 'them';
  const refused = `${REFUSING[intent](dir)}: its manifest lists ${what} penalty-explorer cannot prove it wrote: ${list}; nothing was touched`;
  const move = `move ${them} out of the folder (or delete ${them} if penalty-explorer's)`;
  // Some listed by an older version: those adopted instead of moved, if unchanged (adopting alone does not let it run).
  if (older) return new OlderFolderError(dir, `${refused}; ${move}`, intent, false);
  return new FolderRefusedError(dir, refused, intent, `${move} and try again`);
}

/**
 * The refusal to write over `refused` (paths relative to `dir`), saying which and why, and what
 * to do; `before`: nothing of the command was written yet (a pre-check) rather than only the path
 * left as it is; `intent`: what the command does with the folder (write into it, resume it, …),
 * carried by an OlderFolderError for an app's remedy — when an older version listed every entry
 * refused (adopting them lets the command run), or some (`onlyOlder` false: the others to move,
 * those adopted instead); else a plain IOError.
 *
 * @example
 * overwriteRefusal('runs/l1', [{ path: 'loss.png', why: 'its content is not what penalty-explorer wrote there' }], { before: true, intent: 'resume' }).message
 * // 'refusing to write over runs/l1/loss.png (its content is not what penalty-explorer wrote there): penalty-explorer writes over only
 * //  what it can prove it wrote; nothing was touched; move it out of runs/l1 (or delete it if penalty-explorer's) and try again'
 */
export function overwriteRefusal(
  dir: string,
  refused: readonly Unproven[],
  { before, intent }: { readonly before: boolean; readonly intent: FolderIntent },
): IOError {
  const list = unprovenList(refused.map((u) => ({ ...u, path: join(dir, u.path) })));
  const them = refused.length === 1 ? 'it' : 'them';
  const problem = `refusing to write over ${list}: penalty-explorer writes over only what it can prove it wrote; ${before ? 'nothing was touched' : refused.length === 1 ? 'it was left as it is' : 'they were left as they are'}`;
  const older = refused.filter(listedByOlder).length;
  // All listed by an older version: adopting the folder (the user vouching for them) lets the command run.
  if (older === refused.length) return new OlderFolderError(dir, `${problem}; move ${them} out of ${dir}`, intent);
  const move = `move ${them} out of ${dir} (or delete ${them} if penalty-explorer's)`;
  // Some of them: the others to move, and those adopted instead if unchanged (onlyOlder false: adopting alone does not let it run).
  if (older) return new OlderFolderError(dir, `${problem}; ${move}`, intent, false);
  return new IOError(`${problem}; ${move} and try again`);
}

/**
 * What a deletion left, as a note, or undefined when it left nothing.
 *
 * @example
 * keptNote('runs/x', ['a', 'b'])   // 'runs/x: kept 2 entries penalty-explorer did not write: a, b'
 * keptNote('runs/x', [], [{ path: 'c.csv', why: 'not a regular file' }])
 * // 'runs/x: kept 1 file penalty-explorer cannot prove it wrote: c.csv (not a regular file)'
 */
export function keptNote(dir: string, kept: readonly string[], unproven: readonly Unproven[] = []): string | undefined {
  const parts = [
    kept.length ? `kept ${kept.length} ${kept.length === 1 ? 'entry' : 'entries'} penalty-explorer did not write: ${kept.join(', ')}` : '',
    unproven.length
      ? `kept ${unproven.length} ${unproven.length === 1 ? 'file' : 'files'} penalty-explorer cannot prove it wrote: ${unprovenList(unproven)}`
      : '',
  ].filter(Boolean);
  return parts.length ? `${dir}: ${parts.join('; ')}` : undefined;
}

/**
 * The refusal (nothing touched) of `dir` whose marker file has `links` names (hard links) and does not
 * record `dir` as the folder it was made for: it may be another folder's marker, whose manifest the
 * tool would read as `dir`'s and append to. A copy of a folder of the tool's is its own with a marker
 * file of its own: the remedy.
 *
 * @example
 * linkedMarkerRefusal('runs/b', 2, 'write').message
 * // "runs/b is not proven a folder of penalty-explorer's: its .penx-folder.jsonl is a file of 2 names (a hard link) that does not record
 * //  runs/b as the folder it was made for, so it may be another folder's marker, whose manifest penalty-explorer would read and append to;
 * //  nothing was touched; if runs/b is a copy of a folder of penalty-explorer's,
 * //  make runs/b/.penx-folder.jsonl a file of its own (copy it, then move the copy over it) and try again; or choose another name or folder"
 */
export function linkedMarkerRefusal(dir: string, links: number, intent: FolderIntent): FolderRefusedError {
  return new FolderRefusedError(
    dir,
    `${dir} is not proven a folder of penalty-explorer's: its ${MARKER_FILE} is a file of ${links} names (a hard link) that does not record ${dir} ` +
      `as the folder it was made for, so it may be another folder's marker, whose manifest penalty-explorer would read and append to; nothing was touched`,
    intent,
    `if ${dir} is a copy of a folder of penalty-explorer's, make ${join(dir, MARKER_FILE)} a file of its own (copy it, then move the copy over it) and try again`,
  );
}
