/**
 * The `--json` contract every command keeps: stdout holds exactly one JSON document, printed at the
 * end; progress and human text go to stderr. A refused command (exit 2) prints no document: its one
 * message is on stderr, as without --json. A run stopped by Ctrl-C or SIGTERM (exit 130, 143) prints
 * it too, saying so (`withJson`).
 */
import { InterruptedError } from 'penalty-explorer/errors';
import { type Interruption, interruption } from './interrupts.ts';
import { printable } from './table.ts';

/**
 * `value` as the JSON text of a `--json` document: `indent` spaces (0: one line), a record's control
 * and bidirectional characters as JSON's own escapes (`printable`), so it reads back the same.
 *
 * @example
 * jsonText({ run: 'l1\u202egnp' }, 0)   // '{"run":"l1\\u202egnp"}'
 */
export function jsonText(value: unknown, indent = 2): string {
  return printable(JSON.stringify(value, null, indent));
}

/** Printed as one JSON document (two-space indentation, or `indent`; 0: one line), for scripts: every `--json` document goes through here or `withJson`. */
export function printJson(value: unknown, indent = 2): void {
  console.log(jsonText(value, indent));
}

/**
 * Runs `work` (a user's module imported and probed, say) with whatever it writes to stdout sent to
 * stderr, so a module that prints (`console.log('loaded')`) cannot break the JSON document printed
 * after it; e.g. `await stdoutToStderr(() => loadRunPenalty('./noisy.ts:1e-4'))`.
 */
export async function stdoutToStderr<T>(work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

/** The running `withJson`'s document, to print before the work's end (`printJsonNow`). */
let pending: (() => void) | undefined;

/**
 * Print the running command's `--json` document now, once: `keepServing` does, when training is
 * done and the dashboard stays until Ctrl-C, so a script has the document when the work is done
 * (not when the dashboard stops). Without a command under `--json`, nothing.
 */
export function printJsonNow(): void {
  const print = pending;
  pending = undefined;
  print?.();
}

/**
 * A command's work under `--json`: whatever it prints on stdout sent to stderr, then `document()`
 * (read from what the work wrote) printed as the one JSON document — or earlier, when the work
 * calls `printJsonNow` (it then only serves the dashboard); without `json`, the work alone.
 * `document` is told how the command stopped: null, or when a signal stopped its run (an
 * InterruptedError, exit 130 or 143) the `Interruption` (signal, command that continues it), for
 * its `interrupted` field. When the work fails, the document is printed only for a stop by a signal
 * or a failure `alsoOn` accepts (a run that diverged: the runs so far, exit 1), and the failure
 * goes on (its message on stderr, its exit code). A `document` that gives undefined (stopped
 * before its folder was chosen: nothing written) prints none.
 *
 * @example
 * await withJson(flags.json, () => trainRuns(…), (interrupted) => ({ out, ...folderJson('run', dir), interrupted }), (e) => e instanceof DivergedError);
 */
export async function withJson<T>(
  json: boolean | undefined,
  work: () => Promise<T>,
  document: (interrupted: Interruption | null) => unknown,
  alsoOn?: (err: unknown) => boolean,
): Promise<T> {
  if (!json) return work();
  // The real stdout's write: the work's own prints go to stderr meanwhile.
  const write = process.stdout.write.bind(process.stdout);
  let printed = false;
  const print = (interrupted: Interruption | null) => {
    printed = true;
    const doc = document(interrupted);
    // As printJson: a record's control and bidirectional characters as JSON's own escapes.
    if (doc !== undefined) write(`${jsonText(doc)}\n`);
  };
  pending = () => print(null);
  let result: T;
  try {
    result = await stdoutToStderr(work);
  } catch (err) {
    if (!printed && err instanceof InterruptedError) print(interruption() ?? { signal: 'SIGINT', resume: null });
    else if (!printed && alsoOn?.(err)) print(null);
    throw err;
  } finally {
    pending = undefined;
  }
  if (!printed) print(null);
  return result;
}
