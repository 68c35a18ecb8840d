/**
 * Proof that a folder is this tool's, and the list of what the tool wrote in it (Node only):
 *
 *   <dir>/.penx-folder.jsonl   line 1: the marker { format, kind, id, created }
 *                              then one line per entry the tool wrote directly in <dir> (its name
 *                              as a JSON string), appended before the entry appears; appends are
 *                              O_APPEND writes, so processes sharing a folder (a sweep) add at once;
 *                              { "removed": name } appended when the tool removed the entry it
 *                              listed (a run abandoned at its start): the name is no longer listed
 *                              (until a later line names it again)
 *
 * A folder is the tool's only when its marker is there and valid — never guessed from the names
 * in it. In its own folders the tool deletes only what the manifest lists (`removeOwned`) and
 * says what it left; a folder that is not its own it never writes into. In a comparison or a
 * sweep, whose folders are all runs with markers of their own, a listed folder without a marker
 * is not the tool's either (a line left by a version that did not write removal lines).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, linkSync, lstatSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { OWN_FILES as OWN } from '../folder-names.ts';
import { FOLDER_FORMAT, type FolderKind, type FolderMarker, folderMarkerSchema, MARKER_FILE } from '../formats/index.ts';
import { isLeftover, tempFileFor, watchWrites } from '../io/index.ts';
import { LOCK_FILE } from './lock.ts';

/** True for a name that can be an entry of a folder's manifest: one plain path segment, not the marker or the lock. */
function plainName(name: unknown): name is string {
  return typeof name === 'string' && name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name) && !OWN.has(name);
}

/**
 * The marker file's lines, or undefined when there is none — or when it is not a plain file of
 * the folder's own (a symbolic link would make the folder another's and send appends elsewhere);
 * a half-written last line is left out.
 */
function readLines(dir: string): string[] | undefined {
  let text: string;
  try {
    if (!lstatSync(join(dir, MARKER_FILE)).isFile()) return undefined;
    text = readFileSync(join(dir, MARKER_FILE), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  lines.pop();
  return lines;
}

/** The folder's marker, or undefined when it has none (or one this version cannot read): then it is not the tool's. */
export function readMarker(dir: string): FolderMarker | undefined {
  const first = readLines(dir)?.[0];
  if (first === undefined) return undefined;
  try {
    const parsed = folderMarkerSchema.safeParse(JSON.parse(first));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The entries the manifest lists, each once in order: plain names only (a line naming a path, `..`
 * or the marker itself is ignored), a name a later removal line takes out left out.
 *
 * @example
 * // lines after the marker: "none", "l1", {"removed":"l1"}, "l2"
 * ownedEntries('runs/sweep')   // ['none', 'l2']
 */
export function ownedEntries(dir: string): string[] {
  const names = new Set<string>();
  for (const line of readLines(dir)?.slice(1) ?? []) {
    try {
      const entry: unknown = JSON.parse(line);
      if (plainName(entry)) names.add(entry);
      else if (typeof entry === 'object' && entry !== null && 'removed' in entry && typeof entry.removed === 'string') names.delete(entry.removed);
    } catch {
      // a line that is neither a name nor a removal: not an entry
    }
  }
  return [...names];
}

/** Kinds of folder in which the tool makes no folder but runs, each with its own marker. */
const RUNS_ONLY: ReadonlySet<string> = new Set(['comparison', 'sweep']);

/**
 * The entries of `dir`'s manifest that are there and the tool's, in order: in a comparison or a
 * sweep a listed folder only with its own marker (a line left for a run the tool removed, by a
 * version that wrote no removal line, names what someone may have put there since).
 *
 * @example
 * ownedPresent('runs/sweep')   // ['sweep.json', 'r1'] when it lists r2 too, now a user's folder without a marker
 */
export function ownedPresent(dir: string): string[] {
  const runsOnly = RUNS_ONLY.has(readMarker(dir)?.kind ?? '');
  return ownedEntries(dir).filter((name) => {
    const path = join(dir, name);
    try {
      return !(lstatSync(path).isDirectory() && runsOnly && !readMarker(path));
    } catch {
      return false;
    }
  });
}

/** What `dir` holds besides this tool's marker, lock and temporary leftovers. */
export function contentOf(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((n) => !OWN.has(n) && !isLeftover(n)) : [];
}

/**
 * What `dir`, a folder without a valid marker, holds besides what taking it writes before its
 * marker (the lock, the marker's temporary file, both left by a process killed meanwhile): all of
 * it someone else's, leftover-like names too (`notes.penx-old` is a user's file there).
 */
export function unmarkedContentOf(dir: string): string[] {
  const markerTemp = (n: string) => n.startsWith(`.${MARKER_FILE}.`) && isLeftover(n);
  return existsSync(dir) ? readdirSync(dir).filter((n) => n !== LOCK_FILE && !markerTemp(n)) : [];
}

/**
 * Make `dir` (new or empty) the tool's folder of `kind`: its marker written, atomically and only
 * once (created by a hard link of a complete file, so among processes marking it at once one
 * wins and the others read it). Returns the folder's marker, which may be of another kind.
 */
export function markFolder(dir: string, kind: FolderKind): FolderMarker {
  return writeMarker(dir, kind).marker;
}

/**
 * `markFolder`, saying whether the marker is the one this call wrote (`mine`) or one already there:
 * a marker's id is proof of which call marked the folder (`claimFolder` removes a folder it made
 * and left unused only when it holds the marker it wrote).
 */
export function writeMarker(dir: string, kind: FolderKind): { readonly marker: FolderMarker; readonly mine: boolean } {
  const marker: FolderMarker = { format: FOLDER_FORMAT, kind, id: randomUUID(), created: new Date().toISOString() };
  const temp = tempFileFor(dir, MARKER_FILE);
  writeFileSync(temp, `${JSON.stringify(marker)}\n`);
  try {
    linkSync(temp, join(dir, MARKER_FILE));
    return { marker, mine: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const there = readMarker(dir);
    if (!there) throw new Error(`${join(dir, MARKER_FILE)} exists but is not a penalty-explorer folder marker`);
    return { marker: there, mine: false };
  } finally {
    rmSync(temp, { force: true });
  }
}

/** Add `names` to the manifest of `dir` (a folder of the tool's), those it does not list yet; returns those it added. */
export function noteOwned(dir: string, ...names: string[]): string[] {
  const listed = new Set(ownedEntries(dir));
  const add = names.filter((n) => plainName(n) && !listed.has(n));
  if (add.length) appendFileSync(join(dir, MARKER_FILE), add.map((n) => `${JSON.stringify(n)}\n`).join(''));
  return add;
}

/**
 * List `dir` in its parent's manifest when the parent is a folder of the tool's (a run in a
 * comparison or a sweep). True when this call added the line (the parent did not list it yet):
 * the proof `forgetOwned` needs to take it out again.
 */
export function noteInParent(dir: string): boolean {
  const parent = dirname(resolve(dir));
  return readMarker(parent) !== undefined && noteOwned(parent, basename(resolve(dir))).length > 0;
}

/**
 * Take `name` out of the manifest of `dir`: a removal line appended (an O_APPEND write, so no line
 * another process appends meanwhile is lost, as in a sweep's folder its runs share), for an entry
 * the tool listed and then removed itself (a run folder abandoned), so the manifest does not go on
 * claiming whatever someone puts there under that name. The caller proves the line its own; a
 * folder without the tool's marker is left alone. True when a line was appended.
 *
 * @example
 * forgetOwned('runs/sweep', 'r2')   // '"r1"\n"r2"\n' after the marker ─► '"r1"\n"r2"\n{"removed":"r2"}\n': it lists ['r1']
 */
export function forgetOwned(dir: string, name: string): boolean {
  if (!readMarker(dir) || !ownedEntries(dir).includes(name)) return false;
  appendFileSync(join(dir, MARKER_FILE), `${JSON.stringify({ removed: name })}\n`);
  return true;
}

/** Add every name written into `dir` from now on (through io/atomic) to its manifest; returns the function that stops it. */
export function trackOwned(dir: string): () => void {
  const listed = new Set(ownedEntries(dir));
  return watchWrites(dir, (name) => {
    if (listed.has(name) || !plainName(name)) return;
    listed.add(name);
    appendFileSync(join(dir, MARKER_FILE), `${JSON.stringify(name)}\n`);
  });
}

/** What `removeOwned` did: the entries it deleted, and those it left (not written by the tool), as paths relative to the folder. */
export interface Removed {
  readonly removed: string[];
  readonly kept: string[];
}

/**
 * Delete what the manifest of `dir` lists and is the tool's (`ownedPresent`: in a comparison or a
 * sweep a listed folder without its own marker is kept) — a listed folder that is itself a folder
 * of the tool's (a run in a comparison) by the same rule, and then itself when nothing of anyone
 * else is left in it — and nothing else. The manifest keeps only what is still there.
 */
export function removeOwned(dir: string): Removed {
  const listed = ownedPresent(dir);
  const removed: string[] = [];
  const kept: string[] = [];
  const stays: string[] = [];
  for (const name of listed) {
    const path = join(dir, name);
    let folder: boolean;
    try {
      folder = lstatSync(path).isDirectory();
    } catch {
      continue;
    }
    if (folder && readMarker(path)) {
      const inner = removeOwned(path);
      if (inner.kept.length === 0) {
        rmSync(path, { recursive: true, force: true });
        removed.push(name);
      } else {
        kept.push(...inner.kept.map((k) => `${name}/${k}`));
        stays.push(name);
      }
      continue;
    }
    rmSync(path, { recursive: true, force: true });
    removed.push(name);
  }
  const listedSet = new Set(listed);
  kept.push(...contentOf(dir).filter((n) => !listedSet.has(n)));
  const marker = readLines(dir)?.[0];
  if (marker !== undefined) {
    const temp = tempFileFor(dir, MARKER_FILE);
    writeFileSync(temp, [marker, ...stays.map((n) => JSON.stringify(n))].map((l) => `${l}\n`).join(''));
    renameSync(temp, join(dir, MARKER_FILE));
  }
  return { removed, kept: kept.sort() };
}

/** What a deletion left, as a note (`runs/x: kept 2 entries penalty-explorer did not write: a, b`), or undefined when it left nothing. */
export function keptNote(dir: string, kept: readonly string[]): string | undefined {
  return kept.length ? `${dir}: kept ${kept.length} ${kept.length === 1 ? 'entry' : 'entries'} penalty-explorer did not write: ${kept.join(', ')}` : undefined;
}
