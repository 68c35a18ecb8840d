/**
 * Ctrl-C for user code that never returns, and for the library's long synchronous stretches (Node
 * only). A function that loops forever, or a training step's pass on the cpu backend (minutes for a
 * big batch), blocks the JavaScript thread, so no signal handler can run; V8 can still stop it from
 * another thread. Node's `vm` does exactly that for a script run with `breakOnSigint`: a watchdog
 * thread terminates the script's execution on SIGINT. So every call through the runner (user code,
 * a step's gradients and update, an evaluation on this thread: `runGuarded`) runs inside a tiny
 * such script:
 *
 *   runUserCode ─► script `…userCall()` with breakOnSigint ─► the user's function
 *     SIGINT meanwhile ─► execution terminated ─► InterruptedError (the batch abandoned: nothing
 *     of it is written) ─► the caller stops
 *
 * While user code runs, SIGINT goes to the watchdog, not to `process.on('SIGINT')` listeners.
 * Limits: code outside these calls — a module's top level while it is imported, what an async
 * function runs after its first `await` (a microtask, run once the script has returned), a native
 * call that never returns — is not covered; each call costs a fraction of a millisecond.
 *
 * A SIGINT between two calls: a listener hears it only once the event loop turns, and `vm` takes
 * the listeners off (closing their signal handle, the signal queued for it dropped) for each call,
 * so one arriving in a synchronous stretch followed by a call was lost. `holdSigint` (during a
 * run) has SIGINT go to the watchdog's own thread the whole time instead, with no listener to take
 * off, which keeps one arriving between calls pending:
 *
 *   SIGINT between calls ─► pending ─► the next call's start: InterruptedError (it never runs),
 *     or a poll (every 50 ms while the thread waits) ─► `onSigint`
 */
import vm from 'node:vm';
import { InterruptedError } from '../errors.ts';
import { setUserCodeRunner } from '../registry/index.ts';

const CALL = Symbol.for('penalty-explorer.userCall');

/** The watchdog's own SIGINT thread, as Node's REPL uses it (`contextify` binding). */
interface SigintWatchdog {
  /** Start it (counted): SIGINT goes to it; true once it listens. */
  startSigintWatchdog(): boolean;
  /** Stop it (counted; the last stop gives SIGINT back): whether a SIGINT came while no call ran, forgotten then. */
  stopSigintWatchdog(): boolean;
  watchdogHasPendingSigint(): boolean;
}

/** The watchdog's functions, or undefined where Node does not offer them (`process.binding`, deprecated, its warning not shown). */
function sigintWatchdog(): SigintWatchdog | undefined {
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  try {
    const binding = (process as unknown as { binding(name: string): Partial<SigintWatchdog> }).binding('contextify');
    const { startSigintWatchdog, stopSigintWatchdog, watchdogHasPendingSigint } = binding;
    return typeof startSigintWatchdog === 'function' && typeof stopSigintWatchdog === 'function' && typeof watchdogHasPendingSigint === 'function'
      ? (binding as SigintWatchdog)
      : undefined;
  } catch {
    return undefined;
  } finally {
    process.noDeprecation = quiet;
  }
}

/** The watchdog holding SIGINT (`holdSigint`), if one does. */
let held: SigintWatchdog | undefined;

/** Whether a SIGINT came while no call ran, taken then (a nested start and stop: the stop forgets it). */
function takePending(watchdog: SigintWatchdog): boolean {
  if (!watchdog.watchdogHasPendingSigint()) return false;
  watchdog.startSigintWatchdog();
  return watchdog.stopSigintWatchdog();
}

/** Thrown inside the script when a SIGINT was pending as the call started. */
const PENDING = Symbol('pending SIGINT');

/**
 * Until the returned function is called, SIGINT goes to the watchdog's thread also between guarded
 * calls, never lost (see the file's comment): one pending as a call starts interrupts it (as one
 * during the call does), else the next poll (every 50 ms the thread is free) calls `onSigint`;
 * `process.on('SIGINT')` listeners are taken off meantime (add none: one would take SIGINT back).
 * The release gives them back and calls `onSigint` for a SIGINT still pending. Where Node offers no
 * such watchdog (or one holds already), nothing changes and the release does nothing.
 */
export function holdSigint(onSigint: () => void): () => void {
  const watchdog = held ? undefined : sigintWatchdog();
  if (!watchdog) return () => {};
  const listeners = process.rawListeners('SIGINT') as ((signal: NodeJS.Signals) => void)[];
  process.removeAllListeners('SIGINT');
  if (!watchdog.startSigintWatchdog()) {
    for (const listener of listeners) process.addListener('SIGINT', listener);
    return () => {};
  }
  held = watchdog;
  const poll = setInterval(() => {
    if (takePending(watchdog)) onSigint();
  }, 50);
  poll.unref();
  return () => {
    if (held !== watchdog) return;
    clearInterval(poll);
    held = undefined;
    const pending = watchdog.stopSigintWatchdog();
    // Added anew, with any added meantime: their signal handle opened again, SIGINT theirs again.
    const added = process.rawListeners('SIGINT') as ((signal: NodeJS.Signals) => void)[];
    process.removeAllListeners('SIGINT');
    for (const listener of [...listeners, ...added]) process.addListener('SIGINT', listener);
    if (pending) onSigint();
  };
}

/**
 * Run all user code (penalties, constraints, gradient transforms, monitors' hooks), and each pass of
 * a training step on this thread, so that SIGINT interrupts it with an InterruptedError;
 * `onInterrupt` is told when that happens (the signal was used up there), `onGuarded(true)` once the
 * watchdog watches (a SIGINT then reaches it, not the listeners), `onGuarded(false)` once it no longer does.
 */
export function guardUserCode(options: { onInterrupt?: () => void; onGuarded?: (watched: boolean) => void } = {}): void {
  const script = new vm.Script(`globalThis[Symbol.for(${JSON.stringify(CALL.description)})]()`);
  const slot = globalThis as unknown as Record<symbol, (() => void) | undefined>;
  let depth = 0;
  setUserCodeRunner(<T>(call: () => T): T => {
    // Nested user code (a penalty calling a constraint) is already inside a guarded call.
    if (depth > 0) return call();
    let result: T | undefined;
    slot[CALL] = () => {
      options.onGuarded?.(true);
      // Watched from here: a SIGINT that came before is pending (held), one from now interrupts.
      if (held && takePending(held)) throw PENDING;
      result = call();
    };
    depth++;
    try {
      script.runInThisContext({ breakOnSigint: true });
    } catch (err) {
      if (err === PENDING || (err as { code?: string } | undefined)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') {
        options.onInterrupt?.();
        throw new InterruptedError('interrupted (SIGINT) while user code or a training step ran');
      }
      throw err;
    } finally {
      options.onGuarded?.(false);
      depth--;
      slot[CALL] = undefined;
    }
    return result as T;
  });
}
