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
