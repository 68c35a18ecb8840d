/** Errors of run folders, by class, so a caller (the command line) can say what to do in its own words. */
import { SpecError } from '../spec/errors.ts';

/** The run folder already has content, and neither resuming nor replacing it was asked for. */
export class FolderExistsError extends SpecError {
  constructor(
    readonly dir: string,
    /** What the folder is, e.g. `run folder`. */
    readonly what: string,
  ) {
    super(`${what} ${dir} already exists; resume it to continue it, or force to start it over`);
    this.name = 'FolderExistsError';
  }
}

/** A resumed run's settings differ from the ones it was started with. */
export class ResumeMismatchError extends SpecError {
  constructor(readonly dir: string, readonly key: string, was: unknown, now: unknown) {
    super(`cannot resume ${dir}: its ${key} is ${JSON.stringify(was)}, this run's is ${JSON.stringify(now)}; use the same settings, or start it over`);
    this.name = 'ResumeMismatchError';
  }
}
