/**
 * Paths (and the dashboard's address) given on the command line. An empty one (`--out ""`, or an unset shell variable in
 * `--out "$DIR"`) is refused by name: Node reads '' as the current folder, so it would write, look
 * or lock there, or fail with a message that names no flag (`  is not writable`).
 */
import { UsageError } from 'penalty-explorer/errors';

/**
 * `text` as given, unless it is empty: then a UsageError naming `what` (a flag, or the argument)
 * and saying what would be right; undefined (not given) stays undefined.
 *
 * @example
 * givenPath('', '--out', 'the folder the runs go in, e.g. figures/runs')
 * // throws: --out is empty (''); give the folder the runs go in, e.g. figures/runs
 */
export function givenPath(text: string, what: string, right: string): string;
export function givenPath(text: string | undefined, what: string, right: string): string | undefined;
export function givenPath(text: string | undefined, what: string, right: string): string | undefined {
  if (text === '') throw new UsageError(`${what} is empty (''); give ${right}`);
  return text;
}

/**
 * `--host` as given (undefined: not given), unless it is empty: a UsageError naming it. Node reads
 * an empty host as every address, so `--host "$HOST"` with the variable unset would serve to the
 * network instead of this machine only.
 *
 * @example
 * givenHost('')   // throws: --host is empty (''); give the address to listen on, e.g. 127.0.0.1 (this machine only), or leave --host out
 */
export function givenHost(host: string | undefined): string | undefined {
  return givenPath(host, '--host', 'the address to listen on, e.g. 127.0.0.1 (this machine only), or leave --host out');
}
