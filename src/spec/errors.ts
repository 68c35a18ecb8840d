/**
 * A user gave a spec, a flag or a module that cannot be used. The CLI prints `message` alone and
 * exits with code 2; library callers can catch it by class.
 */
export class SpecError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'SpecError';
  }
}
