/**
 * The training loss, or a weight at an epoch's end, became NaN or infinite: the run stopped; the
 * record keeps everything up to the last good epoch. A penalty already not finite at the untrained
 * weights (epoch 0) is refused before training (checkPenaltyRange); one that still reaches the first
 * batch (computed otherwise there, say) is said to be so (lossDiverged).
 */
import { PenaltyExplorerError } from '../errors.ts';
import type { RunRecord, WeightsSnapshot } from '../formats/index.ts';

/**
 * Thrown by `fit` when the training loss, or a weight at an epoch's end, becomes NaN or infinite;
 * it carries the record up to the last good epoch. One of the library's errors (a
 * `PenaltyExplorerError`: the caller can do something about it), but not bad input — the settings
 * were valid and the run trained; its record keeps the finished epochs (an app reports it as a
 * failed run, not as bad input). The message says where, what and what to try:
 *
 *   the <what> became NaN or infinite at epoch E, batch B; the run stopped, keeping everything up to epoch E − 1; <hint>
 *
 * @example
 * const record = await fit(model, data, options).catch((err) => {
 *   if (err instanceof DivergedError) return err.record;   // up to the last good epoch; `stopped` says where
 *   throw err;
 * });
 * // err.message: "the data loss became NaN or infinite at epoch 3, batch 7; the run stopped, keeping everything up to epoch 2; lower the learning rate or the penalty's strength (l1:1e-3)"
 */
export class DivergedError extends PenaltyExplorerError {
  // Named with a string, as every error class is (errors.ts): a minifying bundler renames classes.
  override name = 'DivergedError';
  /** The run record up to the last finished epoch, with `stopped` saying where and why. */
  readonly record: RunRecord;

  constructor(
    /** The epoch it stopped in (1, 2, …). */
    readonly epoch: number,
    /** The batch of that epoch whose loss, or after which the weight, was not finite. */
    readonly batch: number,
    /** What became NaN or infinite: `data loss`, `penalty loss`, or `weight <name>`. */
    readonly what: string,
    record: RunRecord,
    /** The message when `the ${what} became NaN or infinite at epoch …, batch …` is not the whole truth. */
    message = `the ${what} became NaN or infinite at epoch ${epoch}, batch ${batch}; the run stopped, keeping everything up to epoch ${epoch - 1}; ${divergedHint(record)}`,
  ) {
    super(message);
    this.record = { ...record, stopped: { epoch, batch, reason: this.message } };
  }
}

/**
 * What to try after a run of `record` diverged: a smaller step, and with a penalty, a smaller
 * strength too (its pull can throw the weights out as a large step does).
 *
 * @example
 * divergedHint(recordWithPenaltyL2)   // "lower the learning rate or the penalty's strength (l2:0.1)"
 */
function divergedHint(record: RunRecord): string {
  const penalty = record.config.penalty;
  return penalty === 'none' ? 'lower the learning rate' : `lower the learning rate or the penalty's strength (${penalty})`;
}

/**
 * The DivergedError of a training batch whose data loss or penalty loss is NaN or ±∞. At the first
 * batch of a run whose untrained snapshot (epoch 0) already held a non-finite penalty, nothing
 * diverged: the penalty is not finite at the starting weights (log|w| at a bias of 0, say), and the
 * message says so, naming each weight whose λ·penalty was not finite then, and how to check a penalty.
 *
 * @example
 * // a penalty Σ log|w| on a dense layer's bias, initialised to 0:
 * lossDiverged(1, 1, { dataLoss: 0.7, penaltyLoss: -Infinity }, record).message
 * // 'the penalty loss was already -Infinity before training, at the untrained weights (epoch 0: the penalty of d/bias (logabs:0.001) is -Infinity), …'
 */
export function lossDiverged(
  epoch: number,
  batch: number,
  losses: { readonly dataLoss: number; readonly penaltyLoss: number },
  record: RunRecord,
): DivergedError {
  const what = Number.isFinite(losses.dataLoss) ? 'penalty loss' : 'data loss';
  const start = record.initial.penaltyLoss;
  const atStart = epoch === 1 && batch === 1 && record.epochs.length === 0 && !Number.isFinite(losses.penaltyLoss) && !Number.isFinite(start);
  if (!atStart) return new DivergedError(epoch, batch, what, record);
  const spec = (name: string) => record.config.weights.find((w) => w.name === name)?.penalty?.spec;
  const weights = nonFinitePenalties(record.initial).map(([name, p]) => `the penalty of ${name}${spec(name) ? ` (${spec(name)})` : ''} is ${p}`);
  const which = weights.length ? `: ${weights.join(', ')}` : '';
  const data = Number.isFinite(losses.dataLoss) ? '' : ' (the data loss is NaN or infinite too)';
  return new DivergedError(
    epoch,
    batch,
    what,
    record,
    `the penalty loss was already ${start} before training, at the untrained weights (epoch 0${which}), so the run stopped at its first batch (epoch 1, batch 1)${data}, keeping epoch 0 only; ` +
      'the penalty is not finite at these weights (a log or a division at w = 0, say): check it with probePenalty, or start from weights where it is finite',
  );
}

/** Each weight of `snapshot` whose λ·penalty is NaN or ±∞, with that value. */
function nonFinitePenalties(snapshot: WeightsSnapshot): Array<[string, number]> {
  const layers = [...snapshot.layers, ...(snapshot.nonTrainable?.layers ?? [])];
  return layers.flatMap((l) =>
    (l.weights ?? []).flatMap((w): Array<[string, number]> => (w.penalty === undefined || Number.isFinite(w.penalty) ? [] : [[w.name, w.penalty]])),
  );
}
