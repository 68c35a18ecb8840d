/** Errors of run folders, by class, so a caller (the command line) can say what to do in its own words. */
import { SpecError } from '../spec/errors.ts';
import { MARKER_FILE } from './owner.ts';

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

/** A folder that is not this tool's (it has content and no marker of the tool): never resumed, replaced or written into. */
export class NotOwnedError extends SpecError {
  constructor(
    readonly dir: string,
    /** What was asked: to resume it, to replace it (force), to use it as a new folder, or to write into it (redraw its figures). */
    readonly asked: 'resume' | 'force' | 'new' | 'write',
  ) {
    const why = `it was not written by penalty-explorer (it has no ${MARKER_FILE} marker); nothing was touched; choose another name or folder`;
    super(
      asked === 'resume' ? `cannot resume ${dir}: ${why}`
      : asked === 'force' ? `refusing to delete ${dir}: ${why}`
      : asked === 'write' ? `will not write into ${dir}: ${why}`
      : `${dir} already exists and ${why.replace(/^it /, '')}`,
    );
    this.name = 'NotOwnedError';
  }
}
