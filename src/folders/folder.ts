/**
 * A run folder on disk (Node only): its `run.json`, and taking a folder for a run, a comparison,
 * a sweep or a pruned model —
 *
 *   name checked (one plain path segment, no control characters: folder-names.ts) ─► the folder judged before
 *   anything is written: inside a run's checkpoint (which the run replaces whole), not the tool's
 *   (no marker, owner.ts) with content, or the tool's of another kind ─► refused, untouched
 *   ─► the folder's location made, step by step (never a recursive mkdir that can loop)
 *   ─► locked (lock.ts) ─► marked the tool's (a new or empty one)
 *   ─► the tool's own leftovers removed ─► with content: resume it, with force delete what its
 *   manifest lists (and say what stays), or refuse
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FolderExistsError, type FolderIntent, FolderRefusedError, IOError, NotOwnedError, UsageError, WrongKindError } from '../errors.ts';
import { RESERVED_TEXT, reservedName } from '../folder-names.ts';
import { type FolderKind, kindText, MARKER_FILE } from '../formats/index.ts';
import { isLeftover, oldCopyOf } from '../io/index.ts';
import { CHECKPOINT } from './checkpoint.ts';
import { checkUnlocked, LOCK_FILE, lockFolder } from './lock.ts';
import {
  checkOverwrite,
  checkRemovable,
  contentOf,
  forgetOwned,
  linkedMarker,
  lstatOf,
  markFolder,
  noteInParent,
  readMarker,
  removeOwned,
  trackOwned,
  unmarkedContentOf,
  writeMarker,
} from './owner.ts';
import { linkedMarkerRefusal, type Replacing } from './refusals.ts';

/** `path` with its symbolic links followed: the real path of its nearest existing ancestor, then the rest as given. */
function realPathOf(path: string): string {
  const rest: string[] = [];
  let at = resolve(path);
  while (!existsSync(at) && dirname(at) !== at) {
    rest.unshift(basename(at));
    at = dirname(at);
  }
  return join(realpathSync(at), ...rest);
}

/**
 * The run checkpoint that `dir` is or lies in (symbolic links followed): a run's `checkpoint/`, or
 * a half-replaced copy of it, which the run replaces whole after every epoch; undefined otherwise.
 *
 * @example
 * checkpointHolding('runs/l1/checkpoint/pruned')   // '/home/me/runs/l1/checkpoint' when runs/l1 is a run of penx's
 */
export function checkpointHolding(dir: string): string | undefined {
  const name = new RegExp(`^${CHECKPOINT}(\\.penx-old|\\.penx-tmp-\\d+)?$`);
  for (let at = realPathOf(dir); dirname(at) !== at; at = dirname(at)) {
    if (name.test(basename(at)) && readMarker(dirname(at))?.kind === 'run') return at;
  }
  return undefined;
}

/** True when `dir` exists and holds something besides this tool's marker, lock and leftovers of a killed run. */
export function hasContent(dir: string): boolean {
  return contentOf(dir).length > 0;
}

/** True when `dir` is a folder this tool wrote (it has the tool's marker), of `kind` when given. */
export function isToolFolder(dir: string, kind?: FolderKind): boolean {
  const marker = readMarker(dir);
  return marker !== undefined && (kind === undefined || marker.kind === kind);
}

/** Why `mkdir path` failed, in words, with the system's code. */
function mkdirFailure(path: string, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `${dirname(path)} takes no new folders (ENOENT)`;
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `no permission to make folders in ${dirname(path)} (${code})`;
  if (code === 'ENAMETOOLONG') return `the name is too long (${code})`;
  return code ?? (err as Error).message;
}

/**
 * What `makeFolder(dir)` refuses before it makes anything, found with nothing written: the nearest
 * existing ancestor a file, or not writable when there are folders to make (an IOError). Returns
 * the folders missing, outermost first. (A location that takes no folders, such as /proc, is found
 * only by making one.)
 *
 * @example
 * checkMakeable('notes.txt/runs')   // throws 'cannot make notes.txt/runs: /home/me/notes.txt is a file, not a folder'
 * checkMakeable('figures/runs')     // ['/home/me/figures/runs'] when figures/ exists without runs/
 */
export function checkMakeable(dir: string): string[] {
  const missing: string[] = [];
  let at = resolve(dir);
  while (!existsSync(at)) {
    missing.unshift(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  if (existsSync(at) && !statSync(at).isDirectory()) throw new IOError(`cannot make ${dir}: ${at} is a file, not a folder`);
  try {
    accessSync(at, constants.W_OK);
  } catch {
    if (missing.length > 0) throw new IOError(`cannot make ${dir}: ${at} is not writable`);
  }
  return missing;
}

/**
 * Make `dir` and any missing parents one level at a time, after checking the nearest existing
 * ancestor is a writable folder (checkMakeable); an IOError says what is wrong (a file in the way, no permission,
 * a name too long, a location that takes no folders such as /proc). Returns the folders it made,
 * outermost first (see `removeMadeFolders`).
 */
export function makeFolder(dir: string): string[] {
  const missing = checkMakeable(dir);
  const made: string[] = [];
  for (const path of missing) {
    try {
      mkdirSync(path);
      made.push(path);
    } catch (err) {
      // Another process made it meanwhile (runs of a sweep start together): that is as good.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(path).isDirectory()) continue;
      removeMadeFolders(made);
      throw new IOError(`cannot make ${path}: ${mkdirFailure(path, err)}; choose a folder elsewhere`);
    }
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new IOError(`${dir} is not writable`);
  }
  return made;
}

/** Remove folders `makeFolder` made, innermost first, as long as they hold nothing (but the `ignoring` names, removed too): a command that stopped before writing. */
export function removeMadeFolders(made: readonly string[], ignoring: readonly string[] = []): void {
  for (const path of [...made].reverse()) {
    if (!existsSync(path) || !readdirSync(path).every((n) => ignoring.includes(n))) continue;
    rmSync(path, { recursive: true });
  }
}

/**
 * Remove what a killed process of this tool left in `dir`, a folder of the tool's: temporary
 * files and folders of atomic writes (names only this tool writes: `….penx-tmp`, `….penx-tmp-<pid>`);
 * a checkpoint caught between its old and new copy is put back (`checkpoint.penx-old` → `checkpoint`
 * when only the old one is there, a folder itself: a symbolic link of that name is removed, the link
 * alone). Does nothing in a folder that is not the tool's.
 */
export function removeLeftovers(dir: string): void {
  if (!existsSync(dir) || !readMarker(dir)) return;
  for (const name of readdirSync(dir)) {
    if (!isLeftover(name)) continue;
    const path = join(dir, name);
    const whole = oldCopyOf(name);
    // Only a folder is put back, and never over a link: the tool makes no link, so one of these names (to a folder
    // elsewhere) is no old copy of its own; removed, it is the link alone that goes, never what it points to.
    if (whole !== undefined && lstatOf(path)?.isDirectory() && lstatOf(join(dir, whole)) === undefined) renameSync(path, join(dir, whole));
    else rmSync(path, { recursive: true, force: true });
  }
}

/** What to do with a folder that already has content; a refusal says it (`{ output: true }`: "will not put the output into …"). */
export interface FolderPolicy {
  /** Continue the run in it. */
  readonly resume?: boolean;
  /** Delete it and start over (only a folder this tool wrote). */
  readonly force?: boolean;
  /**
   * It takes a command's output (a pruned model): an earlier output of the tool's there is replaced
   * (what the tool wrote deleted, as with `force`); a folder refused is refused as a place for the
   * output, not as one to start over.
   */
  readonly output?: boolean;
}

/** What `policy` deletes the tool's content of a folder for: to start it over (force), to replace an earlier output (output); undefined when it keeps it. */
function replacing(policy: FolderPolicy): Replacing | undefined {
  if (policy.output) return 'output';
  return policy.force ? 'force' : undefined;
}

/** What `policy` means to do with a folder, as its refusals say it. */
function intentOf(policy: FolderPolicy): FolderIntent {
  if (policy.output) return 'output';
  if (policy.resume) return 'resume';
  return policy.force ? 'force' : 'new';
}

/** A taken folder: release its lock when done. */
export interface ClaimedFolder {
  readonly dir: string;
  /** True when it holds a run to continue (resume was asked and there was content). */
  readonly resumed: boolean;
  /** With force: what stays in the folder because the tool did not write it (relative paths). */
  readonly kept: readonly string[];
  release(): void;
  /**
   * Release it, and remove it when this claim made it and nothing was written in it since: it
   * holds only the marker this claim wrote (proven by its id) and the lock — work that failed
   * before writing anything (a run before its first run.json) leaves no folder behind, nor the
   * folders made for it when they are left empty, nor the line this claim wrote for it in its
   * parent's manifest (a comparison's or a sweep's), so that forcing the parent later never
   * deletes what someone puts there under its name. A folder that was there before (resumed, forced, or an empty one given) or holds
   * anything else is only released. True when removed.
   *
   * @example
   * const folder = claimFolder('runs/new', {}, 'run');
   * folder.abandon();   // true: runs/new is gone again (and runs/, when this claim made it)
   */
  abandon(): boolean;
}

/**
 * The refusal of `dir`, a folder of the tool's that holds another kind than the one wanted, for `intent`.
 *
 * @example
 * wrongKind('runs/cmp', { holds: 'comparison', wanted: 'run' }, 'write').problem   // 'runs/cmp holds a comparison, not a run; nothing was touched'
 */
function wrongKind(dir: string, kinds: { readonly holds: FolderKind; readonly wanted: FolderKind }, intent: FolderIntent): WrongKindError {
  return new WrongKindError(dir, { problem: `${dir} holds ${kindText(kinds.holds)}, not ${kindText(kinds.wanted)}; nothing was touched`, ...kinds }, intent);
}

/** The refusal of `dir`, which holds no marker of its own, for `intent`: a hard link of another folder's marker said so (`linkedMarkerRefusal`), else a NotOwnedError. */
function notOwned(dir: string, intent: FolderIntent): FolderRefusedError {
  const links = linkedMarker(dir);
  return links === undefined ? new NotOwnedError(dir, intent, MARKER_FILE) : linkedMarkerRefusal(dir, links, intent);
}

/**
 * Refuse (FolderRefusedError) `dir` when it is a symbolic link in a folder of the tool's, which
 * makes none there: a comparison's run replaced by a link to a run elsewhere is not the folder the
 * manifest lists, and following it would lock, resume, empty or redraw that run instead.
 *
 * @example
 * checkNotLinkInOwn('runs/cmp/l1', 'write')   // throws 'runs/cmp/l1 is a symbolic link in a folder of penalty-explorer's, …' after `ln -s ~/old/l1 runs/cmp/l1`
 */
function checkNotLinkInOwn(dir: string, intent: FolderIntent): void {
  if (lstatOf(dir)?.isSymbolicLink() && readMarker(dirname(resolve(dir))))
    throw new FolderRefusedError(dir, `${dir} is a symbolic link in a folder of penalty-explorer's, not a folder it made there; nothing was touched`, intent);
}

/**
 * Judge a folder before anything is written into it: refused (FolderRefusedError) inside a run's
 * checkpoint, or a symbolic link in a folder of the tool's (`checkNotLinkInOwn`); an existing one refused (NotOwnedError; for a hard
 * link of another folder's marker, `linkedMarkerRefusal`) when it has no valid marker of this tool of its own and
 * holds anything (an invalid marker file, names like the tool's leftovers too) but a lock and the
 * marker's temporary file; or a marker of another kind; with force (or as an output folder), one whose manifest lists a file
 * the tool cannot prove it wrote (`checkRemovable`); to resume, one it would write over such an
 * entry in (`checkOverwrite`). A new or empty folder passes. Each refusal says what `policy` meant
 * to do with the folder, e.g. `will not put the output into models: …` for `{ output: true }`, and
 * carries it (a FolderRefusedError's `intent`: 'output'), which an app words its remedy by.
 * `claimFolder` does this itself; a caller may do it earlier, before slow work.
 */
export function checkFolder(dir: string, kind: FolderKind, policy: FolderPolicy): void {
  const intent = intentOf(policy);
  const checkpoint = checkpointHolding(dir);
  if (checkpoint)
    throw new FolderRefusedError(
      dir,
      `${dir} is inside the run's checkpoint ${checkpoint}, which the run replaces after every epoch; nothing was touched`,
      intent,
    );
  if (reservedName(basename(resolve(dir))))
    throw new FolderRefusedError(dir, `${dir} is named as penalty-explorer's own files are (${RESERVED_TEXT}); nothing was touched`, intent);
  checkNotLinkInOwn(dir, intent);
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new IOError(`${dir} is a file, not a folder`);
  const marker = readMarker(dir);
  if (!marker) {
    // Without a marker, everything is someone's: a marker file that is no valid one (forged, cut short, of a
    // newer format), names like the tool's leftovers; only what taking a folder writes before its marker is not.
    if (unmarkedContentOf(dir).length > 0) throw notOwned(dir, intent);
    return;
  }
  if (marker.kind !== kind) throw wrongKind(dir, { holds: marker.kind, wanted: kind }, intent);
  // Starting it over (or replacing an earlier output) deletes what the tool wrote: refused while it lists a file the tool cannot prove it wrote.
  const replaces = replacing(policy);
  if (replaces) checkRemovable(dir, replaces);
  // Continuing it writes over what the tool wrote (record, figures, checkpoint/): refused likewise.
  if (policy.resume) checkOverwrite(dir, () => true, 'resume');
}

/**
 * What `claimFolder(dir, policy, kind)` would refuse, found while nothing is written (no folder
 * made, no lock taken, so a refused folder keeps even its modification time): `checkFolder`'s
 * refusals, a folder whose lock another live process holds (LockedError, as `lockFolder` would
 * throw), and a folder with content that is neither resumed nor forced (FolderExistsError).
 * A command calls it before its slow work (the backend, the data).
 *
 * @example
 * checkClaim('runs/l1_1e-4', 'run', { resume: false, force: false })   // throws when runs/l1_1e-4 holds a run
 */
export function checkClaim(dir: string, kind: FolderKind, policy: FolderPolicy): void {
  checkFolder(dir, kind, policy);
  checkUnlocked(dir);
  if (!policy.resume && !replacing(policy) && hasContent(dir)) throw new FolderExistsError(dir, `${kind} folder`);
}

/**
 * Take `dir` for a folder of `kind`: judged (a folder not the tool's is refused untouched), made,
 * locked, marked, cleaned of the tool's own leftovers; with content it is resumed, emptied of what
 * the tool wrote (force; `kept` says what stays) or refused (FolderExistsError). While claimed,
 * every name the tool writes into it goes into its manifest.
 */
export function claimFolder(dir: string, policy: FolderPolicy, kind: FolderKind): ClaimedFolder {
  const replaces = replacing(policy);
  if (policy.resume && replaces) throw new UsageError(`resume and ${replaces} contradict each other; give one`);
  checkFolder(dir, kind, policy);
  const made = makeFolder(dir);
  const unlock = lockFolder(dir);
  let untrack = () => undefined as void;
  const release = () => {
    untrack();
    unlock();
  };
  try {
    // Judged again under the lock: another process may have marked it meanwhile.
    checkFolder(dir, kind, policy);
    const { marker, mine } = writeMarker(dir, kind);
    if (marker.kind !== kind) checkFolder(dir, kind, policy);
    /** The id of the marker this claim wrote into the folder it made; undefined when it did not make or mark it. */
    const ours = mine && made.includes(resolve(dir)) ? marker.id : undefined;
    /** Whether this claim listed the folder in its parent's manifest (the line is its own). */
    const noted = noteInParent(dir);
    removeLeftovers(dir);
    const content = contentOf(dir);
    let kept: string[] = [];
    if (content.length > 0 && !policy.resume) {
      if (!replaces) throw new FolderExistsError(dir, `${kind} folder`);
      const removed = removeOwned(dir, replaces);
      kept = [...removed.kept, ...removed.unproven.map((u) => `${u.path} (${u.why})`)];
    }
    untrack = trackOwned(dir, intentOf(policy));
    const abandon = (): boolean => {
      // Under the lock still: nothing else can start writing into it meanwhile.
      untrack();
      const unused = ours !== undefined && readMarker(dir)?.id === ours && readdirSync(dir).every((n) => n === MARKER_FILE || n === LOCK_FILE);
      // Its line in the parent's manifest goes first (a removal line appended, safe in a sweep's
      // folder its runs share): the line this claim wrote, taken out while this claim still holds the
      // name, so that forcing the parent later never deletes what someone puts there under it.
      if (unused && noted) forgetOwned(dirname(resolve(dir)), basename(resolve(dir)));
      if (unused) rmSync(dir, { recursive: true });
      unlock();
      if (unused) removeMadeFolders(made);
      return unused;
    };
    return { dir, resumed: policy.resume === true && content.length > 0, kept, release, abandon };
  } catch (err) {
    release();
    if (made.length) removeMadeFolders(made, [MARKER_FILE]);
    throw err;
  }
}

/**
 * Throws unless `dir` is an existing folder of the tool's of `kind` (NotOwnedError; WrongKindError for
 * one of another kind; FolderRefusedError for a symbolic link in a folder of the tool's), each with the intent `write`;
 * writes nothing: a command updating several folders judges them all before it touches one.
 */
export function checkOwnFolder(dir: string, kind: FolderKind): void {
  checkNotLinkInOwn(dir, 'write');
  const marker = readMarker(dir);
  if (!marker) throw notOwned(dir, 'write');
  if (marker.kind !== kind) throw wrongKind(dir, { holds: marker.kind, wanted: kind }, 'write');
}

/**
 * Lock `dir`, an existing folder of the tool's of `kind`, to update what the tool wrote there
 * (redraw its figures, add a pruned model): a folder that is not the tool's, of another kind or in
 * use (a run being trained) is refused untouched. Returns the release.
 */
export function lockOwnFolder(dir: string, kind: FolderKind): () => void {
  checkOwnFolder(dir, kind);
  const unlock = lockFolder(dir);
  removeLeftovers(dir);
  const untrack = trackOwned(dir, 'write');
  return () => {
    untrack();
    unlock();
  };
}

/**
 * Use `dir` as a folder of `kind` without locking it (a sweep's folder, which the processes
 * training its runs share): judged as by `claimFolder`, made and marked when new, and every name
 * written into it listed in its manifest from now on. Returns the function that stops listing.
 */
export function openFolder(dir: string, kind: FolderKind): () => void {
  checkFolder(dir, kind, {});
  makeFolder(dir);
  markFolder(dir, kind);
  checkFolder(dir, kind, {});
  noteInParent(dir);
  return trackOwned(dir, 'write');
}

/**
 * Delete what the tool wrote in `dir`, a folder of its own, keeping its lock and marker (a run
 * restarted from scratch); returns what stays. Refused, nothing deleted, while it lists a file the
 * tool cannot prove it wrote (`checkRemovable`).
 */
export function emptyFolder(dir: string): readonly string[] {
  const removed = removeOwned(dir);
  return [...removed.kept, ...removed.unproven.map((u) => `${u.path} (${u.why})`)];
}
