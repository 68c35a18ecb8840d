/**
 * Ctrl-C (SIGINT) and SIGTERM on the command line, alike but for the exit code (130 and 143,
 * 128 + the signal's number, that of the first signal):
 *
 *   outside a run (nothing to stop cleanly) ─► the `interrupted` line, exit at once
 *   during a run (`during`) ─► 1st signal: the run's signal aborted; `fit` stops at its next safe
 *     point (after the current batch), its folder's lock released, and the command ends with the
 *     `interrupted` line: the run folder is as its last checkpoint left it, resumable (with
 *     `--json`, the document is printed first, its `interrupted` field saying how: `Interruption`)
 *     user code or a training step running then (a penalty or monitor that never returns, a batch
 *     taking minutes on the cpu backend) ─► interrupted by the guard (src/user-modules/guard.ts) on
 *     SIGINT, SIGTERM relayed to it as SIGINT (term-relay.ts), which uses the signal up (the batch
 *     abandoned): `userCodeInterrupted` counts it as the 1st; SIGINT is held by the guard for the run
 *     (`holdSigint`): one between guarded calls stops the next (or a poll hands it to `onSignal`)
 *   ─► 2nd signal ─► exit at once (a lock is released at the process's exit)
 *   serving (`whileServing`: `penx serve`, `penx playground`, `--serve` once training is done)
 *     ─► 1st signal: the server closed, the command's normal end (exit code 0, nothing to continue)
 *     ─► 2nd signal before it is closed ─► exit at once
 * The process's listeners stay the same from start to end (serving only changes what they do): a
 * listener taken off drops a signal queued for it, so one arriving as serving begins was lost.
 *
 * Nothing is half-written either way: every file goes through a temporary name and a rename, and
 * files written together (a sweep's figures and report) are renamed in one synchronous stretch, which
 * no signal handler interrupts (`writeFilesAtomic`).
 */

import type { TermRelay } from './term-relay.ts';

/** The signals a command stops on, and the conventional exit code of each (128 + its number). */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143 } as const;

/** A signal a command stops on. */
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * How a stopped command's `--json` document says so (its `interrupted` field): the first signal,
 * and the command that continues it (its run folders as their last checkpoints left them), or null
 * when none does; e.g. `{ signal: 'SIGTERM', resume: 'penx train --penalty l1:1e-4 --resume' }`.
 */
export interface Interruption {
  readonly signal: StopSignal;
  readonly resume: string | null;
}

/** The process's Ctrl-C handling (one per process; `main` installs it). */
export class Interrupts {
  private controller: AbortController | undefined;
  private asked = false;
  /** The first signal received (its exit code is the command's). */
  private first: StopSignal | undefined;
  /** While serving (`serving`): what the first signal does instead, ending the command normally. */
  private stopServing: (() => void) | undefined;
  /** Has SIGINT held for a run (the guard's `holdSigint`: never lost between guarded calls); returns its release. */
  private holdSigint: ((onSigint: () => void) => () => void) | undefined;

  constructor(
    /** Ends the process. */
    private readonly exit: (code: number) => void,
    /** Says a line on stderr. */
    private readonly say: (line: string) => void,
    /** How to continue, e.g. `; continue it with: penx train … --resume`. */
    private readonly howToContinue: () => string,
    /** The command that continues the stopped command, e.g. `penx train … --resume`; null when none does. */
    private readonly resumeCommand: () => string | null = () => null,
    /** Turns SIGTERM during a run into the guard's SIGINT (term-relay.ts); none in tests of this class alone. */
    private readonly relay?: TermRelay,
  ) {}

  /** What SIGINT (or SIGTERM) does. */
  onSignal(received: StopSignal = 'SIGINT'): void {
    // The SIGTERM the relay handles (as a SIGINT, or the guard's interruption) counts once.
    if (received === 'SIGTERM' && this.relay?.relayedTerm()) return;
    const signal = received === 'SIGINT' && this.relay?.takeRelayed() ? 'SIGTERM' : received;
    const stop = this.stopServing;
    if (stop) {
      this.stopServing = undefined;
      stop();
      return;
    }
    this.first ??= signal;
    if (this.controller && !this.asked) {
      this.asked = true;
      this.say(`\npenx: stopping at the next safe point; ${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to stop at once`);
      this.controller.abort();
      return;
    }
    this.say(`\n${this.stoppedText()}`);
    this.exit(this.exitCode());
  }

  /**
   * SIGINT (or SIGTERM, relayed as SIGINT) was used up interrupting user code or a training step:
   * the run stops; the next signal exits at once.
   */
  userCodeInterrupted(): void {
    this.first ??= this.relay?.takeRelayed() ? 'SIGTERM' : 'SIGINT';
    this.asked = true;
  }

  /** The exit code of a stopped command: that of the first signal (130 for SIGINT, 143 for SIGTERM). */
  exitCode(): number {
    return STOP_SIGNALS[this.first ?? 'SIGINT'];
  }

  /** How the command stopped, for its `--json` document; null when no signal came. */
  interruption(): Interruption | null {
    return this.first ? { signal: this.first, resume: this.resumeCommand() } : null;
  }

  /** During runs from now on, SIGINT is held by `hold` (the guard's `holdSigint`, once the library is loaded). */
  holdSigintWith(hold: (onSigint: () => void) => () => void): void {
    this.holdSigint = hold;
  }

  /**
   * Until the returned release, the first SIGINT or SIGTERM calls `stop` (a server closed: the
   * command's normal end, not an interruption) and the next exits at once.
   */
  serving(stop: () => void): () => void {
    this.stopServing = stop;
    return () => {
      if (this.stopServing === stop) this.stopServing = undefined;
    };
  }

  /** Run `work` as a run that a first SIGINT stops at its next safe point (through `signal`). */
  async during<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.controller = controller;
    this.asked = false;
    const relaying = (await this.relay?.start()) === true;
    if (relaying) this.relay?.setActive(true);
    // A SIGINT arriving between guarded calls is kept for the next one (or a poll), not lost.
    const release = this.holdSigint?.(() => this.onSignal('SIGINT'));
    try {
      return await work(controller.signal);
    } finally {
      if (relaying) this.relay?.setActive(false);
      if (this.controller === controller) this.controller = undefined;
      // A SIGINT still pending comes after the run: at once, as any outside one.
      release?.();
    }
  }

  /** The line a stopped command ends with. */
  stoppedText(): string {
    return `penx: interrupted${this.howToContinue()}`;
  }
}

let installed: Interrupts | undefined;

/** Make `interrupts` the process's (main does, with SIGINT and SIGTERM routed to it). */
export function installInterrupts(interrupts: Interrupts): void {
  installed = interrupts;
}

/** How the command stopped (the installed Interrupts'), for its `--json` document; null when no signal came. */
export function interruption(): Interruption | null {
  return installed?.interruption() ?? null;
}

/** Run `work` as a run a first Ctrl-C or SIGTERM stops cleanly (with no Interrupts installed, as in tests calling actions: never stopped). */
export function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return installed ? installed.during(work) : work(new AbortController().signal);
}

/**
 * Until the returned release, the first Ctrl-C or SIGTERM calls `stop` (closing a server: the
 * command's normal end) — through the installed Interrupts, whose listeners stay on, so a signal that
 * arrives as serving begins is never lost; with none installed (tests calling actions), through
 * listeners of its own, taken off by the release.
 */
export function whileServing(stop: () => void): () => void {
  if (installed) return installed.serving(stop);
  const once = () => {
    release();
    stop();
  };
  const release = () => {
    for (const signal of Object.keys(STOP_SIGNALS)) process.off(signal, once);
  };
  for (const signal of Object.keys(STOP_SIGNALS)) process.on(signal, once);
  return release;
}
