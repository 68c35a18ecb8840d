/**
 * The training loss, or a weight at an epoch's end, became NaN or infinite: the run stopped; the
 * record keeps everything up to the last good epoch.
 */
import type { RunRecord } from '../formats/index.ts';

/**
 * Thrown by `fit` when the training loss, or a weight at an epoch's end, becomes NaN or infinite;
 * it carries the record up to the last good epoch.
 *
 * @example
 * const record = await fit(model, data, options).catch((err) => {
 *   if (err instanceof DivergedError) return err.record;   // up to the last good epoch; `stopped` says where
 *   throw err;
 * });
 */
export class DivergedError extends Error {
  /** The run record up to the last finished epoch, with `stopped` saying where and why. */
  readonly record: RunRecord;

  constructor(
    readonly epoch: number,
    readonly batch: number,
    what: string,
    record: RunRecord,
  ) {
    super(`the ${what} became NaN or infinite at epoch ${epoch}, batch ${batch}; the run stopped, keeping everything up to epoch ${epoch - 1}`);
    this.name = 'DivergedError';
    this.record = { ...record, stopped: { epoch, batch, reason: this.message } };
  }
}
