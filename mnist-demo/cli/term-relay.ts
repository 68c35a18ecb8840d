/**
 * SIGTERM for a run whose JavaScript thread is busy. A `process.on('SIGTERM')` listener runs only
 * once the thread is back in its event loop: after the synchronous stretch running then (a training
 * step on the cpu or wasm backend: minutes for a big batch on a loaded machine). SIGINT has a way
 * in: the guard's watchdog thread (src/user-modules/guard.ts, `breakOnSigint`) stops the stretch.
 * So SIGTERM is turned into that SIGINT by a thread that is never busy:
 *
 *   SIGTERM ─► relay thread (its own event loop) ─► during a run, a guarded stretch running
 *     (`setGuarded`): marked, then SIGINT to this process ─► the watchdog stops the stretch
 *     ─► `takeRelayed()` true: counted as SIGTERM (the stretch just ended: the SIGINT listener
 *     gets it ─► `takeRelayed()` true: handled as SIGTERM)
 *     ─► the main thread's SIGTERM listener, later ─► `relayedTerm()` true: already handled, skipped
 *   otherwise ─► the relay does nothing; the SIGTERM listener handles it, as before
 * Only a guarded stretch: Node's `vm` drops a SIGINT queued for the listeners when a guarded call
 * starts (it takes them off for the call), so a relayed SIGINT queued outside one could be lost
 * where the guard cannot hold SIGINT for the run (`holdSigint`; where it does, one that just
 * missed a stretch is kept for the next).
 *
 * A worker thread gets no `process.on` signals, so the relay listens through Node's `signal_wrap`
 * binding (`process.binding`, deprecated but kept); where that fails, nothing is relayed: SIGTERM
 * is handled by the listener alone, as before (at the end of the busy stretch).
 */
import { Worker } from 'node:worker_threads';

/** The slots of the shared flags: run active, SIGINT relayed and not yet taken, SIGTERMs relayed in all, a guarded stretch running. */
const ACTIVE = 0;
const PENDING = 1;
const RELAYED = 2;
const GUARDED = 3;

const RELAY = `
const { parentPort, workerData: flags } = require('node:worker_threads');
// Its DEP0111 warning is this thread's own (where the binding is gone, start() resolves false).
process.noDeprecation = true;
// PENX_TEST_NO_SIGNAL_WRAP=1 (tests only): as where the binding is gone, to test what SIGTERM does then.
const { Signal } = process.env.PENX_TEST_NO_SIGNAL_WRAP === '1' ? {} : process.binding('signal_wrap');
const term = new Signal();
term.onsignal = () => {
  if (Atomics.load(flags, ${ACTIVE}) !== 1 || Atomics.load(flags, ${GUARDED}) !== 1) return;
  Atomics.add(flags, ${RELAYED}, 1);
  Atomics.store(flags, ${PENDING}, 1);
  process.kill(process.pid, 'SIGINT');
};
const err = term.start(require('node:os').constants.signals.SIGTERM);
parentPort.postMessage(err === 0);
`;

/** The relay of one process (see the file's comment). */
export class TermRelay {
  private readonly flags = new Int32Array(new SharedArrayBuffer(4 * Int32Array.BYTES_PER_ELEMENT));
  /** SIGTERMs the main thread's listener skipped, the relay handling them. */
  private skipped = 0;
  private started: Promise<boolean> | undefined;
  private worker: Worker | undefined;

  /** Start the relay thread (once); resolves once it listens (false where it cannot: SIGTERM then handled as before). */
  start(): Promise<boolean> {
    this.started ??= new Promise<boolean>((resolve) => {
      const worker = new Worker(RELAY, { eval: true, workerData: this.flags });
      this.worker = worker;
      // It never keeps the process alive; its listening keeps itself alive.
      worker.unref();
      worker.once('message', (ok: boolean) => resolve(ok));
      worker.once('error', () => resolve(false));
    });
    return this.started;
  }

  /**
   * End the relay thread; resolves once it has exited (a later `start` starts another). A process's
   * relay lasts as long as the process: this is for one that outlives its use, as a test's does.
   */
  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.started = undefined;
    await worker?.terminate();
  }

  /** Relay SIGTERM as SIGINT (during a run) or not (outside one). */
  setActive(active: boolean): void {
    Atomics.store(this.flags, ACTIVE, active ? 1 : 0);
  }

  /** Whether a guarded stretch runs now (the guard's `onGuarded`): only then is SIGTERM relayed. */
  setGuarded(guarded: boolean): void {
    Atomics.store(this.flags, GUARDED, guarded ? 1 : 0);
  }

  /** Whether the SIGINT just received was a relayed SIGTERM (then taken: asked once per SIGINT). */
  takeRelayed(): boolean {
    return Atomics.exchange(this.flags, PENDING, 0) === 1;
  }

  /**
   * Whether the SIGTERM the main thread's listener just received was relayed (then skipped: handled
   * already). The relay marks it before the listener can run: it relays only while this thread is busy
   * in a guarded stretch.
   */
  relayedTerm(): boolean {
    if (Atomics.load(this.flags, RELAYED) <= this.skipped) return false;
    this.skipped++;
    return true;
  }
}
