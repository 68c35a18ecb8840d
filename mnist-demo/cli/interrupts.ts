/**
 * Ctrl-C on the command line:
 *
 *   outside a run (nothing to stop cleanly) ─► the `interrupted` line, exit 130 at once
 *   during a run (`during`) ─► 1st SIGINT: the run's signal aborted; `fit` stops at its next safe
 *     point (after the current batch) and the command ends with the `interrupted` line, exit 130
 *     user code running then (a penalty that never returns) ─► interrupted by the guard
 *     (src/spec/guard.ts), which uses the signal up: `userCodeInterrupted` counts it as the 1st
 *   ─► 2nd SIGINT ─► exit 130 at once
 *
 * Nothing is half-written either way: every file goes through a temporary name and a rename.
 */

/** The process's Ctrl-C handling (one per process; `main` installs it). */
export class Interrupts {
  private controller: AbortController | undefined;
  private asked = false;

  constructor(
    /** Ends the process. */
    private readonly exit: (code: number) => void,
    /** Says a line on stderr. */
    private readonly say: (line: string) => void,
    /** How to continue, e.g. `; continue it with: penx train … --resume`. */
    private readonly howToContinue: () => string,
  ) {}

  /** What SIGINT does. */
  onSignal(): void {
    if (this.controller && !this.asked) {
      this.asked = true;
      this.say('\npenx: stopping at the next safe point; Ctrl-C again to stop at once');
      this.controller.abort();
      return;
    }
    this.say(`\n${this.stoppedText()}`);
    this.exit(130);
  }

  /** SIGINT was used up interrupting user code: the run stops; the next SIGINT exits at once. */
  userCodeInterrupted(): void {
    this.asked = true;
  }

  /** Run `work` as a run that a first SIGINT stops at its next safe point (through `signal`). */
  async during<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    this.controller = controller;
    this.asked = false;
    try {
      return await work(controller.signal);
    } finally {
      if (this.controller === controller) this.controller = undefined;
    }
  }

  /** The line a stopped command ends with. */
  stoppedText(): string {
    return `penx: interrupted${this.howToContinue()}`;
  }
}

let installed: Interrupts | undefined;

/** Make `interrupts` the process's (main does, with SIGINT routed to it). */
export function installInterrupts(interrupts: Interrupts): void {
  installed = interrupts;
}

/** Run `work` as a run a first Ctrl-C stops cleanly (with no Interrupts installed, as in tests calling actions: never stopped). */
export function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return installed ? installed.during(work) : work(new AbortController().signal);
}
