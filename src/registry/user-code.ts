/**
 * Calling the code of a user's definition — a penalty's, a constraint's or a gradient
 * transform's function, a monitor's hooks — through one door, `runUserCode`, so that:
 *
 *   it throws (or its promise rejects) ─► UserCodeError naming what threw and the module it came
 *     from (a SpecError), what it threw as its cause
 *   it never returns ─► in Node, `guardUserCode` (penalty-explorer/node) runs every call so that
 *     Ctrl-C interrupts it (InterruptedError); without it a call that never returns blocks its thread
 *
 * Built-ins are the library's own code and are called directly.
 */
import { InterruptedError, SpecError, UserCodeError } from '../errors.ts';

/** How a definition's own function is called: `direct` for a built-in, through `runUserCode` for a user's. */
export type CallCode = <T>(call: () => T) => T;

/** A built-in's function, called as it is. */
export const direct: CallCode = (call) => call();

/** How user code is called: directly, or by a runner that can interrupt it. */
export type UserCodeRunner = <T>(call: () => T) => T;

let runner: UserCodeRunner = (call) => call();

/** Call all user code through `next` from now on (`guardUserCode` installs one); returns the runner it replaced. */
export function setUserCodeRunner(next: UserCodeRunner): UserCodeRunner {
  const was = runner;
  runner = next;
  return was;
}

/** The module each user definition (or monitor) was imported from, for messages (set by the Node loaders). */
const origins = new WeakMap<object, string>();

/** Remember that `code` (a catalogue entry, a monitor) came from the module at `path`. */
export function noteOrigin(code: object, path: string): void {
  origins.set(code, path);
}

/** The module `code` came from (as given, e.g. `./my-monitor.ts`), or undefined when not from a module. */
export function originOf(code: object | undefined): string | undefined {
  return code && origins.get(code);
}

/** Where the user code `code` came from, for a message: ` (from ./my-penalty.ts)`, or nothing when not from a module. */
export function fromModule(code: object | undefined): string {
  const path = originOf(code);
  return path ? ` (from ${path})` : '';
}

/**
 * `call()`, one of the library's own long synchronous stretches (a training step's passes on this
 * thread: minutes for a big batch on the cpu backend), through the installed runner, so that under
 * `guardUserCode` a stop interrupts it (an InterruptedError); what it throws is passed on as it is.
 * Not for user code, which `runUserCode` calls and names.
 */
export function runGuarded<T>(call: () => T): T {
  return runner(call);
}

/**
 * `call()`, the user's own code `code` (a definition's function, a monitor's hook), through the
 * installed runner: the one way user code is called. What it throws — or, for an async call, what
 * its promise rejects with — becomes a UserCodeError whose `what` is `what(from)` (`from`: ` (from
 * ./x.ts)` for code from a module, else nothing), whose reason is its message and whose cause is
 * what it threw; an InterruptedError (Ctrl-C under `guardUserCode`) and a UserCodeError (nested
 * user code, already named) pass as they are. Only the user's code belongs in `call`: the library's
 * checks of what it returned name the definition themselves. Ctrl-C covers `call()` itself: of an
 * async function, its code up to its first `await`.
 *
 * @example
 * runUserCode(def, (from) => `penalty ${spec}${from}`, () => def.fn(w, params))
 * // UserCodeError: penalty logsum:1e-4 (from ./logsum.ts) threw: boom
 * await runUserCode(monitor, (from) => `monitor '${monitor.name}'${from} (its onTrainBegin)`, () => monitor.onTrainBegin?.(context))
 */
export function runUserCode<T>(code: object, what: (from: string) => string, call: () => T): T {
  const named = (err: unknown): unknown =>
    err instanceof InterruptedError || err instanceof UserCodeError
      ? err
      : new UserCodeError(what(fromModule(code)), err instanceof Error ? err.message : String(err), { cause: err });
  let result: T;
  try {
    result = runner(call);
  } catch (err) {
    throw named(err);
  }
  if (typeof (result as { then?: unknown } | null | undefined)?.then !== 'function') return result;
  return Promise.resolve(result).catch((err: unknown) => {
    throw named(err);
  }) as T;
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
