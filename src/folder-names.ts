/**
 * The names of a run folder and of this tool's own files in it — text rules alone (browser-safe:
 * no Node, no TF.js), so an app checks a name it was given before the library loads (`checkRunName` is in
 * `penalty-explorer/spec` too); the run folders (penalty-explorer/node) mark, lock and clean up
 * by the same names.
 *
 *   '.penx-folder.jsonl'   the marker and manifest (formats/folder.ts)
 *   '.penx.lock'           the lock (folders/lock.ts)
 *   '.<name>.<pid>.<hex>.penx-tmp', '<dir>.penx-tmp-<pid>', '<dir>.penx-old'
 *                          the temporary names of atomic writes (io/atomic.ts): a killed run's leftovers
 *
 * @example
 * checkRunName('l1_1e-4')   // fine
 * checkRunName('../x')      // UsageError: run name '../x' contains a path separator; give one plain folder name, e.g. l1_1e-4
 */
import { UsageError, visibleControls } from './errors.ts';

/** The file that marks a folder this tool wrote: the marker, then one manifest line per entry it made. */
export const MARKER_FILE = '.penx-folder.jsonl';

/** The lock file of a run folder, holding who holds the lock (folders/lock.ts). */
export const LOCK_FILE = '.penx.lock';

const TMP_FILE = /^\..+\.\d+\.[0-9a-f]+\.penx-tmp$/;
const TMP_DIR = /.\.penx-tmp-\d+$/;
const OLD_DIR = /.\.penx-old$/;

/** True for the temporary names atomic writes use: `.x.<pid>.<hex>.penx-tmp`, `<dir>.penx-tmp-<pid>`, `<dir>.penx-old`. */
export function isLeftover(name: string): boolean {
  return TMP_FILE.test(name) || TMP_DIR.test(name) || OLD_DIR.test(name);
}

/** The folder a half-replaced `<dir>.penx-old` stands for, or undefined for another name. */
export function oldCopyOf(name: string): string | undefined {
  return OLD_DIR.test(name) ? name.slice(0, -'.penx-old'.length) : undefined;
}

/** The tool's own files in every folder it owns: never content, never deleted by name. */
export const OWN_FILES: ReadonlySet<string> = new Set([MARKER_FILE, LOCK_FILE]);

/**
 * True for a name this tool keeps for its own files in its folders — the marker, the lock, the
 * temporary names of its writes — and never gives a folder of its own: a run called `.penx.lock`
 * would take its parent's lock, one called `x.penx-old` would be cleaned away as a leftover. Every
 * name ending in `.penx-tmp` is kept, not only the temporary files' own `.<name>.<pid>.<hex>.penx-tmp`.
 *
 * @example
 * reservedName('.penx.lock')   // true
 */
export function reservedName(name: string): boolean {
  return OWN_FILES.has(name) || isLeftover(name) || name.endsWith('.penx-tmp');
}

/** Longest name a file system takes for one path segment, in bytes. */
const MAX_NAME_BYTES = 255;

/** How the names `reservedName` keeps are spelled, for messages. */
export const RESERVED_TEXT = `${MARKER_FILE}, ${LOCK_FILE}, names ending in .penx-tmp, .penx-tmp-<pid> or .penx-old`;

/** A bidirectional control (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069): the first in a name. */
const BIDI_CONTROL = /\p{Bidi_Control}/u;

/** A character as its code point, e.g. `U+202E`. */
const codePoint = (c: string): string => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * What is wrong with `name` as a run folder's name — the name quoted, its control and
 * bidirectional characters escaped (`'a\nb'`, `'l1\u202egnp'`: one line, in order), then why —
 * or undefined for a plain folder name. The one rule for every run folder's name: those given
 * (`checkRunName`) and those a record names (the comparison's and sweep's runs, read by
 * `folderNameSchema`). Not a plain name: empty, `.` or `..`, a path separator, a control
 * character, a bidirectional control (it shows the name reordered: `l1\u202egnp.exe` as
 * `l1exe.png` in a file manager or `ls`), longer than a file system takes, or one of the tool's own
 * file names. Other format characters are taken (U+200D, the zero-width joiner of an emoji).
 *
 * @example
 * runNameProblem('l1_1e-4')        // undefined
 * runNameProblem('l1\u202egnp')    // "'l1\\u202egnp' contains the bidirectional control U+202E, which shows the name reordered"
 */
export function runNameProblem(name: string): string | undefined {
  const bytes = new TextEncoder().encode(name).length;
  const bidi = BIDI_CONTROL.exec(name)?.[0];
  const problem =
    name === ''
      ? 'is empty'
      : name === '.' || name === '..'
        ? 'is not a folder name'
        : /[/\\]/.test(name)
          ? 'contains a path separator'
          : /\p{Cc}/u.test(name)
            ? 'contains a control character (a newline, a tab, an escape, …)'
            : bidi
              ? `contains the bidirectional control ${codePoint(bidi)}, which shows the name reordered`
              : bytes > MAX_NAME_BYTES
                ? `is ${bytes} bytes long (at most ${MAX_NAME_BYTES})`
                : reservedName(name)
                  ? `is kept for penalty-explorer's own files (${RESERVED_TEXT})`
                  : undefined;
  if (problem === undefined) return undefined;
  const shown = visibleControls(JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name).slice(1, -1));
  return `'${shown}' ${problem}`;
}

/**
 * Throws a UsageError unless `name` is one plain path segment (`runNameProblem`: no `/`, not `.`
 * or `..`, no control or bidirectional characters, not too long, not one of the tool's own file
 * names), saying what is wrong with it, `what` first (the caller's word for it: an app may name the
 * option it read the name from).
 *
 * @example
 * checkRunName('l1\u202egnp')   // UsageError: run name 'l1\u202egnp' contains the bidirectional control U+202E, which shows the name reordered; …
 */
export function checkRunName(name: string, what = 'run name'): void {
  const problem = runNameProblem(name);
  if (problem) throw new UsageError(`${what} ${problem}; give one plain folder name, e.g. l1_1e-4`);
}
