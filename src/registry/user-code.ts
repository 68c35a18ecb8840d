/**
 * Calling the code of a user's definition — a penalty's, a constraint's or a gradient
 * transform's function, a monitor's hooks (`runGuarded`) — through one door, so that:
 *
 *   it throws ─► UserCodeError naming what threw and the module it came from (a SpecError)
 *   it never returns ─► in Node, `guardUserCode` (penalty-explorer/node) runs every call so that
 *     Ctrl-C interrupts it (InterruptedError); without it a call that never returns blocks its thread
 *
 * Built-ins are the library's own code and are called directly.
 */
import { InterruptedError, PenaltyExplorerError, SpecError, UserCodeError } from '../errors.ts';

/** How user code is called: directly, or by a runner that can interrupt it. */
export type UserCodeRunner = <T>(call: () => T) => T;

let runner: UserCodeRunner = (call) => call();

/** Call all user code through `next` from now on (`guardUserCode` installs one); returns the runner it replaced. */
export function setUserCodeRunner(next: UserCodeRunner): UserCodeRunner {
  const was = runner;
  runner = next;
  return was;
}

/** The module each user definition was imported from, for messages (set by the Node loaders). */
const origins = new WeakMap<object, string>();

/** Remember that `entry` (a catalogue entry) came from the module at `path`. */
export function noteOrigin(entry: object, path: string): void {
  origins.set(entry, path);
}

/**
 * `call()` through the installed runner, what it throws passed on as it is (an InterruptedError on
 * Ctrl-C under `guardUserCode`): for user code that names its own errors, such as a monitor's hooks.
 * Only `call()` itself is covered: of an async function, its code up to its first `await`.
 */
export function runGuarded<T>(call: () => T): T {
  return runner(call);
}

/** `call()`, the code of the user definition `entry` (described by `what()`), through the installed runner. */
export function runUserCode<T>(entry: object, what: () => string, call: () => T): T {
  try {
    return runner(call);
  } catch (err) {
    if (err instanceof InterruptedError || err instanceof PenaltyExplorerError) throw err;
    const from = origins.get(entry);
    throw new UserCodeError(`${what()}${from ? ` (from ${from})` : ''}`, err instanceof Error ? err.message : String(err));
  }
}

/**
 * A SpecError unless `value`, the option `key` of a user's `define…` call, is a function (or, when
 * `optional`, absent): a definition is refused where it is written, not at its first call in training.
 *
 * @example
 * checkUserFunction('penalty logsum', 'fn', 3, '(w, params) => tensor');   // SpecError: penalty logsum: fn must be a function (w, params) => tensor, got number
 */
export function checkUserFunction(what: string, key: string, value: unknown, signature: string, optional = false): void {
  if (typeof value === 'function' || (optional && value === undefined)) return;
  throw new SpecError(`${what}: ${key} must be a function ${signature}, got ${value === null ? 'null' : typeof value}`);
}
