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
 */
import vm from 'node:vm';
import { InterruptedError } from '../errors.ts';
import { setUserCodeRunner } from '../registry/index.ts';

const CALL = Symbol.for('penalty-explorer.userCall');

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
      result = call();
    };
    depth++;
    try {
      script.runInThisContext({ breakOnSigint: true });
    } catch (err) {
      if ((err as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') {
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
