/**
 * A caller gave a spec, a setting, data or a module that cannot be used; the message says what was
 * wrong and what is accepted. Callers catch it by class (the command line exits with code 2).
 */
export class SpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpecError';
  }
}

/**
 * The work was stopped on request — an aborted signal (`fit`'s `signal`), or Ctrl-C while user
 * code ran under `guardUserCode` — at a point where nothing is half-written.
 */
export class InterruptedError extends Error {
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'InterruptedError';
  }
}
