/**
 * Proof that a folder is this tool's, and the list of what the tool wrote in it (Node only):
 *
 *   <dir>/.penx-folder.jsonl   line 1: the marker { format, kind, id, created, folder } (folder: the
 *                              device and inode of <dir> when it was marked, `dev:ino`)
 *                              then one line per entry the tool wrote directly in <dir>, appended
 *                              before the entry appears: the name, as a JSON string, of a folder
 *                              with a marker of its own (a run of a comparison or a sweep), a file's
 *                              proof { name, size, sha256 } (of the content written; one line per
 *                              content, the file rewritten), a folder's { name, tree } (the
 *                              `treeDigest` of all it holds, written whole: a run's checkpoint/,
 *                              a pruned model's model/; with the `temp` file a rewrite of one
 *                              of its files puts in it, so one a killed process leaves is proven
 *                              the tool's); appends are O_APPEND writes, so
 *                              processes sharing a folder (a sweep) add at once and none is lost;
 *                              { "removed": name } appended when the tool removed the entry it
 *                              listed: the name is no longer listed (until a later line names it again)
 *
 * A folder is the tool's only when its marker is there, valid and its own — never guessed from the names
 * in it; a marker file with a second name (a hard link into another folder) is the folder's own only
 * where it records that folder's device and inode (`markerFile`). In its own folders the tool deletes only what the manifest lists (`removeOwned`) and
 * says what it left; a folder that is not its own it never writes into. In a comparison or a
 * sweep, whose folders are all runs with markers of their own, a listed folder without a marker
 * is not the tool's either (a line left by a version that did not write removal lines). A file
 * holds no marker: it is the tool's only while its content is one the manifest's proofs record
 * (size and SHA-256), and so is a listed folder without a marker of its own in any other folder
 * (its `treeDigest`) — a file or folder replaced by a user's of the same name, or listed by an
 * older version without a proof, is never deleted (`unprovenFiles`: removing such a folder is refused),
 * nor written over (`checkOverwrite`, `checkWrites` before a command starts, `trackOwned` at each write).
 * The manifest is only ever appended to, never rewritten, so no line of another process is lost.
 */
import { createHash, randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, linkSync, lstatSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { FolderIntent } from '../errors.ts';
import { OWN_FILES as OWN } from '../folder-names.ts';
import { FOLDER_FORMAT, type FolderKind, type FolderMarker, folderMarkerSchema, MARKER_FILE } from '../formats/index.ts';
import { isLeftover, tempFileFor, treeDigest, watchWrites } from '../io/index.ts';
import { checkUnlocked, LOCK_FILE, lockFolder } from './lock.ts';
import { FILE_WHY, FOLDER_WHY, overwriteRefusal, type Replacing, removalRefusal, UNRECORDED_TEMP, type Unproven } from './refusals.ts';

/** True for a name that can be an entry of a folder's manifest: one plain path segment, not the marker or the lock. */
function plainName(name: unknown): name is string {
  return typeof name === 'string' && name !== '' && name !== '.' && name !== '..' && !/[/\\\0]/.test(name) && !OWN.has(name);
}

/**
 * The identity of the folder `dir` (symbolic links followed): its device and inode numbers, what its
 * marker records as the folder it was made for.
 *
 * @example
 * folderIdentity('runs/l1')   // '66306:1837564'
 */
function folderIdentity(dir: string): string {
  const { dev, ino } = statSync(dir, { bigint: true });
  return `${dev}:${ino}`;
}

/** The marker file of a folder as read: its lines, its number of names, and whether it is the folder's own. */
interface MarkerFile {
  /** Its lines, a half-written last one left out. */
  readonly lines: string[];
  /** Its names (hard links): 2 for a moment while `writeMarker` links it, more when someone linked it elsewhere. */
  readonly links: number;
  /** True when it has one name, or records this folder as the one it was made for (`folder`). */
  readonly own: boolean;
}

/**
 * The marker file of `dir`, or undefined when there is none or it is not a plain file (a symbolic
 * link would make the folder another's and send appends elsewhere). A file of several names (a hard
 * link: `ln a/.penx-folder.jsonl b/`, a copy by `cp -al`) is the folder's own only when its marker records
 * the folder's identity (`folderIdentity`): else it may be another folder's, whose manifest would be read
 * as this one's and appended to. A file of one name is the folder's own: a folder copied whole (`cp -r`,
 * a checkout) copies its marker, the identity it records then another's.
 *
 * @example
 * markerFile('b')   // { lines: […], links: 2, own: false } after `ln a/.penx-folder.jsonl b/`; markerFile('a'): own true (made for a)
 */
function markerFile(dir: string): MarkerFile | undefined {
  const path = join(dir, MARKER_FILE);
  let text: string;
  let links: number;
  try {
    const stat = lstatSync(path);
    if (!stat.isFile()) return undefined;
    links = stat.nlink;
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.split('\n');
  lines.pop();
  return { lines, links, own: links <= 1 || madeFor(lines[0], dir) };
}

/** True when the marker line `first` records `dir` as the folder it was made for (`folder`, its identity). */
function madeFor(first: string | undefined, dir: string): boolean {
  try {
    const folder = (JSON.parse(first ?? '') as { folder?: unknown } | null)?.folder;
    return typeof folder === 'string' && folder === folderIdentity(dir);
  } catch {
    return false;
  }
}

/** The marker file's lines when it is the folder's own (`markerFile`), else undefined. */
function readLines(dir: string): string[] | undefined {
  const file = markerFile(dir);
  return file?.own ? file.lines : undefined;
}

/**
 * The number of names of `dir`'s marker file when that is why `dir` is not the tool's: a hard link
 * that does not record `dir` as the folder it was made for (`markerFile`); undefined otherwise.
 */
export function linkedMarker(dir: string): number | undefined {
  const file = markerFile(dir);
  return file && !file.own ? file.links : undefined;
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

/** What the tool wrote into a file: the content's size in bytes and SHA-256 (hex), recorded in the manifest before the file appears. */
export interface FileProof {
  readonly size: number;
  readonly sha256: string;
}

/**
 * The proof of `data` written as a file (a string as UTF-8, as it is written).
 *
 * @example
 * proofOf('{}')   // { size: 2, sha256: '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a' }
 */
export function proofOf(data: string | Uint8Array): FileProof {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return { size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * A manifest read: the entries it lists, in order, each listed file's proofs and each listed
 * folder's tree digests, and the temporary files recorded as written into a listed folder (`rewriteInFolder`).
 */
interface Manifest {
  readonly names: Set<string>;
  readonly proofs: Map<string, FileProof[]>;
  readonly trees: Map<string, string[]>;
  readonly temps: Map<string, Set<string>>;
}

/** The manifest of `dir` (see `ownedEntries`), its proofs since each name's last removal line. */
function readManifest(dir: string): Manifest {
  const names = new Set<string>();
  const proofs = new Map<string, FileProof[]>();
  const trees = new Map<string, string[]>();
  const temps = new Map<string, Set<string>>();
  for (const line of readLines(dir)?.slice(1) ?? []) {
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue; // a line that is neither a name, a proof nor a removal: not an entry
    }
    if (plainName(entry)) names.add(entry);
    else if (typeof entry !== 'object' || entry === null) continue;
    else if ('removed' in entry && typeof entry.removed === 'string') {
      names.delete(entry.removed);
      proofs.delete(entry.removed);
      trees.delete(entry.removed);
      temps.delete(entry.removed);
    } else if ('name' in entry && plainName(entry.name) && 'tree' in entry && typeof entry.tree === 'string') {
      names.add(entry.name);
      trees.set(entry.name, [...(trees.get(entry.name) ?? []), entry.tree]);
      if ('temp' in entry && plainName(entry.temp) && isLeftover(entry.temp)) temps.set(entry.name, new Set([...(temps.get(entry.name) ?? []), entry.temp]));
    } else if (
      'name' in entry &&
      plainName(entry.name) &&
      'sha256' in entry &&
      typeof entry.sha256 === 'string' &&
      'size' in entry &&
      typeof entry.size === 'number'
    ) {
      names.add(entry.name);
      proofs.set(entry.name, [...(proofs.get(entry.name) ?? []), { size: entry.size, sha256: entry.sha256 }]);
    }
  }
  return { names, proofs, trees, temps };
}

/**
 * The entries the manifest lists, each once in order: plain names only (a line naming a path, `..`
 * or the marker itself is ignored), a name a later removal line takes out left out.
 *
 * @example
 * // lines after the marker: "none", "l1", {"removed":"l1"}, {"name":"report.html","size":9,"sha256":"…"}
 * ownedEntries('runs/sweep')   // ['none', 'report.html']
 */
export function ownedEntries(dir: string): string[] {
  return [...readManifest(dir).names];
}

/**
 * Why the listed folder `name` of `dir` is not what the tool wrote there, or undefined when its
 * `treeDigest` is one the manifest records — leaving out the temporary files recorded as written
 * into it (a process killed while rewriting a file of it left one). When all it holds but one
 * unrecorded temporary file of the tool's name is, that file is named (relative to `dir`), the
 * folder not: what to move away is then that file alone.
 */
function unprovenFolder(dir: string, name: string, manifest: () => Manifest): Unproven | undefined {
  const path = join(dir, name);
  const digest = treeDigest(path);
  const leftovers = readdirSync(path).filter(isLeftover);
  const digestWithout = (names: readonly string[]) => (names.length ? treeDigest(path, { without: new Set(names) }) : digest);
  const { trees, temps } = manifest();
  const recorded = trees.get(name) ?? [];
  if (!recorded.length) return { path: name, why: FOLDER_WHY.unrecorded };
  const ours = leftovers.filter((n) => temps.get(name)?.has(n));
  if (recorded.includes(digest) || recorded.includes(digestWithout(ours))) return undefined;
  const other = leftovers.filter((n) => !ours.includes(n));
  if (other.length === 1 && recorded.includes(digestWithout(leftovers))) return { path: `${name}/${other[0]}`, why: UNRECORDED_TEMP };
  return { path: name, why: FOLDER_WHY.changed };
}

/**
 * Why the listed entry `name` of `dir` (not a folder of the tool's with its own marker) cannot be
 * proven the tool's — the entry, as a path relative to `dir`, and why — or undefined when it is a
 * file whose content is one the manifest's proofs record (size and SHA-256), or a folder whose
 * `treeDigest` is one it records (`unprovenFolder`). The manifest is read (`manifest()`) after the
 * content: a proof is appended before its content appears, so content another process writes
 * meanwhile (a sweep's folder) is never taken for a user's.
 */
function unprovenEntry(dir: string, name: string, manifest: () => Manifest): Unproven | undefined {
  const path = join(dir, name);
  if (lstatSync(path).isDirectory()) return unprovenFolder(dir, name, manifest);
  const unproven = (why: string) => ({ path: name, why });
  if (!lstatSync(path).isFile()) return unproven(FILE_WHY.notRegular);
  const held = proofOf(readFileSync(path));
  const proofs = manifest().proofs.get(name);
  if (!proofs?.length) return unproven(FILE_WHY.unrecorded);
  return proofs.some((p) => p.size === held.size && p.sha256 === held.sha256) ? undefined : unproven(FILE_WHY.changed);
}

/**
 * True when `path` is a folder of the tool's listed in another's manifest: a folder itself (not a
 * symbolic link to one, which the tool never makes: one to a run elsewhere would send a deletion or
 * a write there) holding a marker. A listed symbolic link is judged as any other entry: not a regular file.
 */
export function markedFolder(path: string): boolean {
  return lstatOf(path)?.isDirectory() === true && readMarker(path) !== undefined;
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

/**
 * The entries of `ownedPresent(dir)` proven the tool's: a folder with its own marker, a file or
 * folder whose content is one the manifest records (what `removeOwned` deletes).
 *
 * @example
 * provenPresent('runs/l1')   // ['run.json', 'l1.svg'] when the user put a checkpoint/ of their own in its place
 */
export function provenPresent(dir: string): string[] {
  const manifest = readManifest(dir);
  return ownedPresent(dir).filter((name) => {
    try {
      return markedFolder(join(dir, name)) || unprovenEntry(dir, name, () => manifest) === undefined;
    } catch {
      return false;
    }
  });
}

/** `lstat` of `path`, or undefined when there is nothing there. */
export function lstatOf(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
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
 * wins and the others read it; meanwhile it has two names, and records the folder's identity, so it
 * still reads as the folder's own). Returns the folder's marker, which may be of another kind.
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
  const marker: FolderMarker = { format: FOLDER_FORMAT, kind, id: randomUUID(), created: new Date().toISOString(), folder: folderIdentity(dir) };
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

/**
 * Add every name written into `dir` from now on (through io/atomic) to its manifest: a file's
 * proof, a folder's tree digest, for each content written (not again for a content it records);
 * returns the function that stops it. A write over an entry there the tool cannot prove it wrote
 * (a user's file or folder of that name) is refused (IOError; an OlderFolderError carrying `intent`,
 * what the command does with the folder, for entries an older version listed) before anything of it is written.
 *
 * @example
 * // writeFileAtomic('runs/x/run.json', '{}') appends, before run.json appears:
 * // {"name":"run.json","size":2,"sha256":"44136fa3…"}
 * // saveCheckpoint('runs/x', …) appends, before checkpoint/ appears: {"name":"checkpoint","tree":"5d1e…"}
 */
export function trackOwned(dir: string, intent: FolderIntent): () => void {
  const { proofs, trees } = readManifest(dir);
  const recorded = new Set([
    ...[...proofs].flatMap(([name, ps]) => ps.map((p) => `${name}\0${p.sha256}`)),
    ...[...trees].flatMap(([name, ts]) => ts.map((t) => `${name}\0${t}`)),
  ]);
  return watchWrites(dir, (name, data) => {
    if (!plainName(name)) return;
    const blocked = overwriteBlocked(dir, name);
    if (blocked) throw overwriteRefusal(dir, [blocked], { before: false, intent });
    const line = typeof data === 'object' && 'tree' in data ? { name, ...data } : { name, ...proofOf(data) };
    const key = `${name}\0${'tree' in line ? [line.tree, line.temp ?? []].flat().join('\0') : line.sha256}`;
    if (recorded.has(key)) return;
    recorded.add(key);
    appendFileSync(join(dir, MARKER_FILE), `${JSON.stringify(line)}\n`);
  });
}

/**
 * The entries listed in `dir`'s manifest (and in those of the tool's folders it lists: the runs of a
 * comparison or a sweep) that are there and that the tool cannot prove it wrote: not a regular
 * file, listed without a proof (by an older version), or of a content no proof records (replaced
 * by a user's file or folder of the same name, or changed) — a listed folder without a marker of
 * its own (a run's checkpoint/) judged whole by its `treeDigest`. Removing `dir` must leave them, so it is refused.
 *
 * @example
 * unprovenFiles('runs/cmp')   // [{ path: 'report.html', why: 'its content is not what penalty-explorer wrote there' }]
 */
export function unprovenFiles(dir: string): Unproven[] {
  const manifest = readManifest(dir);
  const found: Unproven[] = [];
  for (const name of ownedPresent(dir)) {
    const path = join(dir, name);
    try {
      if (markedFolder(path)) {
        found.push(...unprovenFiles(path).map((u) => ({ ...u, path: `${name}/${u.path}` })));
        continue;
      }
      const unproven = unprovenEntry(dir, name, () => manifest);
      if (unproven) found.push(unproven);
    } catch {
      // gone meanwhile: nothing to leave
    }
  }
  return found;
}

/**
 * Refuse (FolderRefusedError, nothing touched) to delete what the tool wrote in `dir` when it lists
 * files it cannot prove it wrote (`unprovenFiles`): deleting them could delete a user's, leaving
 * them would leave a mix of two runs' files (and the new one may write over them) — a folder an older
 * version wrote, all its entries listed by name alone, in one message naming the folder to move
 * (`removalRefusal`, worded by what the deletion is for: `intent`); and (LockedError)
 * when a folder of the tool's it lists is locked by another live process (a run of a sweep being trained).
 */
export function checkRemovable(dir: string, intent: Replacing = 'force'): void {
  for (const name of ownedPresent(dir)) if (markedFolder(join(dir, name))) checkUnlocked(join(dir, name));
  const unproven = unprovenFiles(dir);
  if (unproven.length) throw removalRefusal(dir, unproven, intent);
}

/**
 * What penalty-explorer may not write over at the entry `name` of `dir`, and why; undefined when
 * nothing is there or its content is proven the tool's. `read`: the manifest of `dir`, read after the content.
 */
function overwriteBlocked(dir: string, name: string, read: () => Manifest = () => readManifest(dir)): Unproven | undefined {
  if (lstatOf(join(dir, name)) === undefined) return undefined;
  let listed = true;
  const unproven = unprovenEntry(dir, name, () => {
    const manifest = read();
    listed = manifest.names.has(name);
    return manifest;
  });
  return listed ? unproven : { path: name, why: FILE_WHY.notListed };
}

/** Options of `checkWrites`. */
export interface WriteChecks {
  /**
   * The listed entries (paths relative to the folder, as `unprovenFiles` gives them) the command
   * rewrites too, whatever their names: those not proven the tool's are refused with `paths`' (a
   * resumed run rewrites all it lists).
   */
  readonly rewrites?: (path: string) => boolean;
  /** What the command does with the folder, carried by the refusal (default `write`: update what the tool wrote there). */
  readonly intent?: FolderIntent;
}

/**
 * Refuse (IOError, nothing touched) a command that will write exactly `paths` (relative to `dir`,
 * a folder of the tool's; `run/x.png` one in a folder of its below) when one of them is there and
 * not proven the tool's — as each write is checked when it is made (`trackOwned`): listed without a
 * proof, of a content no proof records, or not listed at all. A path not there passes; nothing
 * else in the folders is looked at but the listed entries `rewrites` selects (as `checkOverwrite`
 * judges them). One refusal names every entry refused.
 *
 * @example
 * checkWrites('runs/cmp', ['sparsity.png', 'l1/report.html'])   // throws 'refusing to write over runs/cmp/l1/report.html (not in the manifest: …' when the user put theirs there
 * checkWrites('runs/sweep', ['sparsity.svg'], { rewrites: (p) => p.startsWith('r2/') })   // names sparsity.svg and r2/run.json when both are the user's
 */
export function checkWrites(dir: string, paths: Iterable<string>, checks: WriteChecks = {}): void {
  const manifests = new Map<string, Manifest>();
  const refused = [...paths].flatMap((path) => {
    const folder = join(dir, dirname(path));
    const read = () => manifests.get(folder) ?? manifests.set(folder, readManifest(folder)).get(folder)!;
    const blocked = overwriteBlocked(folder, basename(path), read);
    return blocked ? [{ ...blocked, path: join(dirname(path), blocked.path) }] : [];
  });
  const named = new Set(refused.map((u) => u.path));
  const { rewrites } = checks;
  if (rewrites) refused.push(...unprovenFiles(dir).filter((u) => rewrites(u.path) && !named.has(u.path)));
  if (refused.length) throw overwriteRefusal(dir, refused, { before: true, intent: checks.intent ?? 'write' });
}

/**
 * Refuse (IOError, nothing touched) a command that will write over entries of `dir` the tool cannot
 * prove it wrote — a figure, record or checkpoint/ replaced by a user's of the same name: the
 * entries the manifest lists (those of the tool's folders it lists too: a comparison's runs), as
 * paths relative to `dir`, those `writes(path)` says the command writes over (all: a resumed run
 * rewrites them all). A name never written yet passes. Each single write into a folder of the
 * tool's is checked so again as it is made (`trackOwned`), unlisted names there too. `intent`: what
 * the command does with the folder (`resume` for a resumed run), carried by an OlderFolderError.
 *
 * @example
 * checkOverwrite('runs/l1')   // throws 'refusing to write over runs/l1/checkpoint (a folder whose content is not …' when the user put theirs there
 */
export function checkOverwrite(dir: string, writes: (path: string) => boolean = () => true, intent: FolderIntent = 'write'): void {
  checkWrites(dir, [], { rewrites: writes, intent });
}

/** What `removeOwned` did: the entries it deleted, and those it left (not written by the tool), as paths relative to the folder. */
export interface Removed {
  readonly removed: string[];
  readonly kept: string[];
  /** Listed files it left because it could not prove it wrote them (changed since it checked: `checkRemovable` refuses them before). */
  readonly unproven: Unproven[];
}

/**
 * Delete what the manifest of `dir` lists and is the tool's (`ownedPresent`: in a comparison or a
 * sweep a listed folder without its own marker is kept; a file or another listed folder only while
 * its content is one the manifest records, `provenPresent`) — a listed folder that is itself a folder of the tool's (a run in a
 * comparison) by the same rule, and then itself when nothing of anyone else is left in it — and
 * nothing else. Refused first, nothing deleted, when a listed file cannot be proven the tool's or a
 * listed folder of the tool's is locked by another process (`checkRemovable`); each such folder is
 * locked while it is emptied. The manifest stops listing what it deleted or left unproven by removal lines
 * appended (never rewritten: a line another process appends meanwhile, a run of a sweep, stays).
 * `intent`: what the deletion is for (to start the folder over, or to replace an earlier output there), which a refusal says.
 */
export function removeOwned(dir: string, intent: Replacing = 'force'): Removed {
  checkRemovable(dir, intent);
  const manifest = readManifest(dir);
  const shared = readMarker(dir)?.kind === 'sweep';
  const all = ownedEntries(dir);
  const there = new Set(all.filter((n) => lstatOf(join(dir, n)) !== undefined));
  const listed = ownedPresent(dir);
  const removed: string[] = [];
  const kept: string[] = [];
  const unproven: Unproven[] = [];
  const stays = new Set<string>();
  for (const name of listed) {
    const path = join(dir, name);
    let folder: boolean;
    try {
      folder = lstatSync(path).isDirectory();
    } catch {
      continue;
    }
    if (folder && readMarker(path)) {
      // Its lock held while it is emptied (a LockedError when another process took it since the check).
      const unlock = lockFolder(path);
      let inner: Removed;
      try {
        inner = removeOwned(path, intent);
      } catch (err) {
        unlock();
        throw err;
      }
      unproven.push(...inner.unproven.map((u) => ({ ...u, path: `${name}/${u.path}` })));
      if (inner.kept.length === 0 && inner.unproven.length === 0) {
        rmSync(path, { recursive: true, force: true });
        removed.push(name);
      } else {
        kept.push(...inner.kept.map((k) => `${name}/${k}`));
        stays.add(name);
      }
      unlock();
      continue;
    }
    const left = unprovenEntry(dir, name, () => manifest);
    if (left) {
      unproven.push(left);
      continue;
    }
    rmSync(path, { recursive: true, force: true });
    removed.push(name);
  }
  const listedSet = new Set(listed);
  kept.push(...contentOf(dir).filter((n) => !listedSet.has(n)));
  // Unlisted: what was deleted, a file left unproven, a listed folder that is not the tool's; and (not in
  // a sweep) a name listed but not there — a sweep's may be one a run announced this moment, its file
  // not there yet: other processes write into a sweep's folder meanwhile, unlocked.
  const unlist = all.filter((n) => !stays.has(n) && (there.has(n) || !shared));
  if (unlist.length && readMarker(dir)) appendFileSync(join(dir, MARKER_FILE), unlist.map((n) => `${JSON.stringify({ removed: n })}\n`).join(''));
  return { removed, kept: kept.sort(), unproven };
}
