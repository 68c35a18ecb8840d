/**
 * The runs under the dashboard's folder, found by walking it for `run.json` (not into
 * `checkpoint/`, hidden folders or node_modules; at most `MAX_DEPTH` levels, the folders below named in
 * `skipped()`), each read once per
 * change (by modification time and size) and checked against the run record's schema. A run
 * whose parent folder has `compare.json` (a comparison) or `sweep.json` (a sweep) belongs to that
 * group, listed in the order its record (read by its format) gives. `signature()` changes whenever a run appears, disappears or
 * is rewritten — the server polls it to tell pages about new epochs.
 *
 * Only what lies inside the folder is served: every folder and run.json is judged by its real
 * path (symbolic links resolved), a link leading out is not followed, and a folder reached a
 * second time (a link loop, or a link to a folder inside) is not listed again. A run.json that is
 * not a valid record is skipped and named (`skipped()`), never half-used; so is a group's record
 * (its runs then listed in folder order). A folder's own name, found on disk, is listed as it is
 * (a folder made by hand may hold a bidirectional control): the page shows it escaped, and the
 * server's JSON carries it as JSON escapes.
 *
 * `markedOnly` (a folder served before it existed: only what penx writes there is read): a run.json or a
 * group's record is read only where its folder holds penx's marker (`readMarker`: valid, the folder's
 * own); one in a folder without it is not read, and named in `skipped()` with why.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { RecordFormatError } from '../errors.ts';
import { readMarker } from '../folders/index.ts';
import { COMPARE_JSON, type RunRecord, readCompareRecord, readRunRecord, readSweepRecord, SWEEP_JSON, weightPath } from '../formats/index.ts';
import { NotRegularFileError, readRegularFile } from '../io/index.ts';
import { NON_TRAINABLE, runLabels } from '../viz/index.ts';

const MAX_DEPTH = 4;
const SKIP = new Set(['checkpoint', 'node_modules']);
/** A folder holding one of these records groups the runs in it, in the record's order: a comparison, a sweep. */
const GROUPS: ReadonlyArray<readonly [string, (json: unknown) => string[]]> = [
  [COMPARE_JSON, (json) => readCompareRecord(json).runs],
  [SWEEP_JSON, (json) => readSweepRecord(json).runs.map((r) => r.name)],
];
const GROUP_FILES = GROUPS.map(([file]) => file);

/** One run as the page lists it. */
export interface RunEntry {
  /** Its folder relative to the served folder, with `/` (also its id in the page and the API). */
  readonly id: string;
  /**
   * How the report of its folder's runs names it (`runLabels` over the runs listed in its folder: a
   * comparison's, a sweep's, or the runs beside it): `l1:1e-4`, with the optimiser or the run's
   * name only where the penalty alone does not tell the runs apart.
   */
  readonly label: string;
  readonly name: string;
  readonly penalty: string;
  readonly optimizer: string;
  /** The comparison or sweep folder it belongs to (relative), or '' for a run on its own. */
  readonly comparison: string;
  /** Finished epochs, and the epochs it was started for. */
  readonly epochs: number;
  readonly target: number;
  readonly stopped: boolean;
  /** Whether a callback ended training early (`endedEarly`): fewer epochs than `target`, yet done. */
  readonly endedEarly: boolean;
  /** Layer names and weight paths (`dense_1/kernel`; a nested model's `encoder/dense/kernel`: `weightPath`) of its last snapshot. */
  readonly layers: string[];
  readonly weights: string[];
  /** When run.json was last written (ms since 1970). */
  readonly modified: number;
}

/** A run found, before its folder's runs are labelled together: its entry but the label, and its record. */
type Unlabelled = Omit<RunEntry, 'label'> & { readonly record: RunRecord };

interface Cached {
  readonly stamp: string;
  readonly modified: number;
  readonly record: RunRecord;
}

/** A run.json the index could not use, or a folder it did not look into, and why. */
export interface SkippedRun {
  readonly id: string;
  readonly reason: string;
  /** What was skipped, as the page names it: `<id>/run.json`, or a folder `<id>/` not looked into. */
  readonly path: string;
}

/**
 * The runs under a folder, as the dashboard lists and serves them (see the file's comment): each
 * run.json read again only when it changed, invalid ones skipped and named.
 *
 * @example
 * const index = new RunsIndex('runs');
 * index.list().map((r) => `${r.id}: ${r.epochs}/${r.target}`);
 */
export class RunsIndex {
  private readonly cache = new Map<string, Cached>();
  /** Run ids whose run.json is not a valid record, with why (as of their last reading). */
  private readonly invalid = new Map<string, { stamp: string; reason: string }>();
  /** Run ids whose run.json was not read: its folder has no marker of penx's (`markedOnly`). */
  private readonly unmarked = new Set<string>();
  /**
   * @param root the served folder
   * @param options `markedOnly`: read a record only where its folder holds penx's marker (see the file's comment)
   */
  constructor(
    private readonly root: string,
    private readonly options: { readonly markedOnly?: boolean } = {},
  ) {}

  /** False when records must be proven penx's (`markedOnly`) and `folder` (real path) holds no marker of penx's. */
  private proven(folder: string): boolean {
    return !this.options.markedOnly || readMarker(folder) !== undefined;
  }

  /** The real path of `path` when it lies inside the root's real path, else undefined. */
  private inside(path: string): string | undefined {
    try {
      const rootReal = realpathSync(this.root);
      const real = realpathSync(path);
      const rel = relative(rootReal, real);
      return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !rel.startsWith(sep)) ? real : undefined;
    } catch {
      return undefined;
    }
  }

  /** Folders at MAX_DEPTH with folders inside, not looked into (as of the last walk). */
  private tooDeep: string[] = [];

  /** The run folders under the root (relative ids), in a stable order; each real folder once. */
  private folders(): string[] {
    const found: string[] = [];
    const deep: string[] = [];
    const seen = new Set<string>();
    const walk = (rel: string, depth: number) => {
      const real = this.inside(join(this.root, rel));
      if (real === undefined || seen.has(real)) return;
      seen.add(real);
      let names: string[];
      try {
        names = readdirSync(real);
      } catch {
        return;
      }
      if (names.includes('run.json') && this.inside(join(real, 'run.json'))) found.push(rel);
      for (const name of names.sort()) {
        if (name.startsWith('.') || SKIP.has(name)) continue;
        const child = rel ? posix.join(rel, name) : name;
        try {
          if (!statSync(join(this.root, child)).isDirectory()) continue;
          // Said, not silently left out: runs below would be missing from the list.
          if (depth >= MAX_DEPTH) {
            deep.push(rel);
            break;
          }
          walk(child, depth + 1);
        } catch {
          /* vanished meanwhile, or a broken link */
        }
      }
    };
    walk('', 0);
    this.tooDeep = deep;
    return found;
  }

  /** The record of a run id, read again only when run.json changed; undefined when it cannot be read or is not a valid record. */
  record(id: string): RunRecord | undefined {
    const file = this.inside(join(this.root, id, 'run.json'));
    if (file === undefined) return undefined;
    // Not read at all, not even its size: its folder is not proven penx's.
    if (!this.proven(dirname(file))) {
      this.unmarked.add(id);
      this.cache.delete(id);
      return undefined;
    }
    this.unmarked.delete(id);
    let stamp = '';
    try {
      const st = statSync(file);
      stamp = `${st.mtimeMs}:${st.size}`;
      const hit = this.cache.get(id);
      if (hit?.stamp === stamp) return hit.record;
      if (this.invalid.get(id)?.stamp === stamp) return undefined;
      const record = readRunRecord(JSON.parse(readRegularFile(file).toString('utf8')));
      this.cache.set(id, { stamp, modified: Math.round(st.mtimeMs), record });
      this.invalid.delete(id);
      return record;
    } catch (err) {
      // Valid JSON that is not a run record, or not a regular file (a FIFO): skipped and named. Missing, or caught half-written
      // by a writer that does not rename (not JSON): the last good copy.
      if (err instanceof RecordFormatError || err instanceof NotRegularFileError) {
        this.cache.delete(id);
        this.invalid.set(id, { stamp, reason: err.message });
        return undefined;
      }
      return this.cache.get(id)?.record;
    }
  }

  /** The run.json files under the root that are not valid run records, and the folders too deep to look into, with why. */
  skipped(): SkippedRun[] {
    const ids = this.ids();
    return [
      ...this.badGroups.values(),
      ...[...this.invalid.entries()]
        .filter(([id]) => ids.has(id))
        .map(([id, { reason }]) => ({ id, reason: `not a valid run record: ${reason}`, path: `${id}/run.json` })),
      ...[...this.unmarked]
        .filter((id) => ids.has(id))
        .map((id) => ({
          id,
          path: `${id}/run.json`,
          reason:
            'not read: its folder has no marker of penx (.penx-folder.jsonl); the served folder did not exist when the dashboard started, so only runs penx writes there are read (serve it again to read what is there now)',
        })),
      ...this.tooDeep.map((id) => ({
        id,
        path: `${id}/`,
        reason: `its folders were not looked into: they are more than ${MAX_DEPTH} levels below the served folder (serve a folder nearer to their runs)`,
      })),
    ];
  }

  /** The group records (compare.json, sweep.json) that are not valid records, by their path, with why (as of the last `list()`). */
  private badGroups = new Map<string, SkippedRun>();

  /**
   * The run names of a group folder (its comparison's or sweep's record, read by its format), in
   * its order ([] when it has none that is valid). A record that does not fit its format — one
   * naming a run folder by a name penx never makes, e.g. with a bidirectional control — is not
   * half-used: its runs are listed in folder order, and it is named in `skipped()`.
   */
  private compareOrder(rel: string): string[] {
    for (const [file, runsOf] of GROUPS) {
      const at = rel ? posix.join(rel, file) : file;
      try {
        const path = this.inside(join(this.root, rel, file));
        if (path !== undefined && this.proven(dirname(path))) return runsOf(JSON.parse(readRegularFile(path).toString('utf8')));
      } catch (err) {
        // Not JSON (missing, or caught half-written by a writer that does not rename): not this kind of group, said nowhere.
        if (err instanceof RecordFormatError || err instanceof NotRegularFileError)
          this.badGroups.set(at, { id: rel, path: at, reason: `${err.message}; its runs are listed in folder order` });
      }
    }
    return [];
  }

  /** The ids of the run folders under the root, without reading them (a path outside it is never one). */
  ids(): Set<string> {
    return new Set(this.folders());
  }

  /** Every readable run; a comparison's runs in the comparison's order. */
  list(): RunEntry[] {
    const entries = this.entries();
    // Every group's record read, also a group of one run (which the sort never compares): a bad one is named.
    this.badGroups.clear();
    const orders = new Map([...new Set(entries.map((e) => e.comparison).filter(Boolean))].map((c) => [c, this.compareOrder(c)]));
    const rank = (e: Unlabelled) => {
      if (!e.comparison) return 0;
      const i = orders.get(e.comparison)?.indexOf(posix.basename(e.id)) ?? -1;
      return i < 0 ? Number.MAX_SAFE_INTEGER : i;
    };
    const folderOf = (e: Unlabelled) => e.comparison || posix.dirname(e.id);
    const sorted = entries
      .map((e, i) => ({ e, i }))
      .sort((a, b) => (folderOf(a.e) === folderOf(b.e) ? rank(a.e) - rank(b.e) || a.i - b.i : a.i - b.i))
      .map(({ e }) => e);
    // Each folder's runs labelled together, in the listed order, as the report of those runs labels them.
    const labels = new Map<Unlabelled, string>();
    for (const folder of new Set(sorted.map(folderOf))) {
      const runs = sorted.filter((e) => folderOf(e) === folder);
      const names = runLabels(runs.map((e) => e.record));
      runs.forEach((e, i) => labels.set(e, names[i] ?? e.penalty));
    }
    return sorted.map((e) => {
      const { record: _, ...entry } = e;
      return { ...entry, label: labels.get(e) ?? e.penalty };
    });
  }

  private entries(): Unlabelled[] {
    return this.folders().flatMap((id): Unlabelled[] => {
      const r = this.record(id);
      if (!r) return [];
      const parent = posix.dirname(id) === '.' ? '' : posix.dirname(id);
      const last = r.epochs.at(-1) ?? r.initial;
      return [
        {
          id,
          record: r,
          name: r.config.name,
          penalty: r.config.penalty,
          optimizer: r.config.optimizer,
          comparison: id !== '' && GROUP_FILES.some((f) => existsSync(join(this.root, parent, f))) ? parent : '',
          epochs: r.epochs.length,
          target: r.config.epochs,
          stopped: Boolean(r.stopped),
          endedEarly: Boolean(r.endedEarly),
          // Non-trainable weights by their labelled layer name (`bn (non-trainable)`) and their own names.
          layers: [...last.layers.map((l) => l.name), ...(last.nonTrainable?.layers ?? []).map((l) => `${l.name}${NON_TRAINABLE}`)],
          weights: [...last.layers, ...(last.nonTrainable?.layers ?? [])].flatMap((l) => (l.weights ?? []).map((w) => weightPath(l.name, w.name))),
          modified: this.cache.get(id)?.modified ?? 0,
        },
      ];
    });
  }

  /** A text that changes whenever any run.json appears, disappears or is rewritten. */
  signature(): string {
    return this.folders()
      .map((id) => {
        try {
          const st = statSync(join(this.root, id, 'run.json'));
          return `${id}:${st.mtimeMs}:${st.size}`;
        } catch {
          return `${id}:gone`;
        }
      })
      .join('|');
  }
}
