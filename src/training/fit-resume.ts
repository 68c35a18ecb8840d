/**
 * Continuing a record (`fit`'s `from`): what must agree with it before anything trains, and the
 * config and record the run goes on from.
 *
 *   seed: the record's (another one refused) ─► user monitors: the record's, by name and in order
 *   ─► weights' names and channel norms' meaning: the record's, when an epoch is left to train (checkTrainsOn)
 *   ─► config: the record's, with the epochs asked for (and the monitors given, their views may change)
 *   ─► record: the record's epochs, no longer `endedEarly` (training goes on past where a callback ended it)
 *
 * @example
 * const record = await fit(model, data, { epochs: 6, from: runOf4Epochs });   // trains epochs 5 and 6
 */

import { UsageError } from '../errors.ts';
import type { RunConfig, RunRecord } from '../formats/index.ts';
import { monitorInfos } from '../monitor/index.ts';
import type { tf } from '../tf.ts';
import { DEFAULT_SEED, type FitOptions } from './fit-options.ts';
import { checkTrainsOn } from './resume-norms.ts';
import { weightInfos } from './run-config.ts';

/**
 * The run's seed: `seed`, else the seed of the record continued (`from`), else 42. A UsageError for
 * a seed that is not a whole number, or other than the continued record's: its new epochs would not
 * repeat from the seed it records.
 *
 * @example
 * seedOf({ epochs: 2, from: recordOfSeed7 })   // 7
 */
export function seedOf(options: FitOptions): number {
  const was = options.from?.config.seed;
  const seed = options.seed ?? was ?? DEFAULT_SEED;
  // A seed of 1.5 would draw the masks of 1, and NaN or Infinity would be recorded as null: a seed is a whole number.
  if (!Number.isSafeInteger(seed)) throw new UsageError(`seed must be a whole number (at most 2^53 − 1 in size), got ${String(seed)}`);
  if (was !== undefined && seed !== was)
    throw new UsageError(
      `the record continued (from) was trained with seed ${was}, this run gives seed ${seed}: its epochs would not repeat from the seed it records; give seed ${was} or leave seed out`,
    );
  return seed;
}

/**
 * A UsageError when `options.from`, the record continued, kept sections of other user monitors than
 * `options.monitors` (by name, in order): its new snapshots would lack the sections its earlier ones have.
 *
 * @example
 * checkSameMonitors({ epochs: 2, from: recordWithDeadRelu })   // throws: … was recorded with the monitors deadRelu, this run gives none: …
 */
function checkSameMonitors(options: FitOptions): void {
  if (!options.from) return;
  const names = (list: readonly { readonly name: string }[] | undefined) => (list ?? []).map((m) => m.name).join(', ') || 'none';
  const [was, now] = [names(options.from.config.monitors), names(options.monitors)];
  if (was !== now)
    throw new UsageError(
      `the record continued (from) was recorded with the monitors ${was}, this run gives ${now}: its snapshots would not keep the same sections; give the same monitors`,
    );
}

/**
 * The checks a run continuing `options.from` makes before it trains, after `seedOf`: the same user
 * monitors (checkSameMonitors), and, when an epoch of the `epochs` asked for is left to train, the
 * model's weights under the record's names, its channel norms taken as the record's were (checkTrainsOn,
 * as fitToFolder checks a resume).
 */
export function checkContinued(model: tf.LayersModel, options: FitOptions, epochs: number): void {
  checkSameMonitors(options);
  if (options.from && options.from.epochs.length < epochs) checkTrainsOn(options.from, weightInfos(model), 'the record continued (from)');
}

/** The config of a run continuing `from` to `epochs`: the record's, with the monitors given (their views may have changed). */
export function continuedConfig(from: RunRecord, epochs: number, options: FitOptions): RunConfig {
  return { ...from.config, epochs, ...(options.monitors?.length ? { monitors: monitorInfos(options.monitors) } : {}) };
}

/** The record a run continuing `from` starts with: its epochs under `config`, no longer ended early (it goes on past where a callback ended it). */
export function continuedRecord(from: RunRecord, config: RunConfig): RunRecord {
  const { endedEarly: _ended, ...kept } = from;
  return { ...kept, config };
}
