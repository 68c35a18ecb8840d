/**
 * The default monitors: what every epoch's record holds (run@3's own fields), measured through
 * the same interface as a user's monitor (monitor.ts).
 *
 *   weightStatistics   every snapshot: histograms, sparsity, fine and log10|w| histograms, percentiles,
 *                      per layer and weight, penalties, channel norms (snapshot.ts), and with a
 *                      constraint the epoch's mean share of channels it changed (`projected`)
 *   batchLosses        every epoch: each batch's data loss and λ·penalty, before its update
 *                      (four significant digits: about 10 bytes a batch and loss, so the 469 batches
 *                      of a 60 000-image epoch add about 9 KB to run.json)
 *   batchNorms         every epoch, with `trackNorms: 'batch'`: each layer's mean and max channel
 *                      norm after every batch
 */
import type { EpochRecord } from '../formats/index.ts';
import type { Monitor } from './monitor.ts';
import { batchNorms } from './norms.ts';
import { type WeightStatistics, weightStatistics } from './snapshot.ts';

/** The fields of an epoch's record the default monitors write. */
export type MonitoredFields = WeightStatistics & Pick<EpochRecord, 'batchLosses' | 'batchNorms'>;

/** The weights' statistics of every snapshot; with constraints, their projected shares averaged over the epoch's steps. */
export function weightStatisticsMonitor(): Monitor<WeightStatistics, Readonly<Record<string, number>>> {
  return {
    name: 'weightStatistics',
    onBatchEnd: (batch) => batch.projected,
    onEpochEnd: ({ batches }, { model }) => {
      const sums: Record<string, number> = {};
      for (const projected of batches) for (const [k, v] of Object.entries(projected)) sums[k] = (sums[k] ?? 0) + v;
      const projected = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / batches.length]));
      return weightStatistics(model, batches.length ? projected : undefined);
    },
  };
}

/** A loss as the record keeps it per batch: four significant digits. */
const short = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(4)) : x);

/** The data loss and λ·penalty of every batch of an epoch (none at epoch 0). */
export function batchLossesMonitor(): Monitor<Pick<EpochRecord, 'batchLosses'>, readonly [number, number]> {
  return {
    name: 'batchLosses',
    onBatchEnd: (batch) => [short(batch.dataLoss), short(batch.penaltyLoss)],
    onEpochEnd: ({ epoch, batches }) => (epoch === 0 ? undefined : { batchLosses: { data: batches.map((b) => b[0]), penalty: batches.map((b) => b[1]) } }),
  };
}

/** Each layer's mean and max channel norm after every batch of an epoch (none at epoch 0). */
export function batchNormsMonitor(): Monitor<Pick<EpochRecord, 'batchNorms'>, NonNullable<EpochRecord['batchNorms']>[number]> {
  return {
    name: 'batchNorms',
    onBatchEnd: (batch, { model }) => batchNorms(model, batch.batch),
    onEpochEnd: ({ epoch, batches }) => (epoch === 0 ? undefined : { batchNorms: [...batches] }),
  };
}

/** The default monitors of a run: the weights' statistics, the per-batch losses, and with `trackNorms: 'batch'` the per-batch norms. */
export function defaultMonitors(
  options: { readonly trackNorms?: 'epoch' | 'batch'; readonly batchLosses?: boolean } = {},
): Array<Monitor<Partial<MonitoredFields>>> {
  return [
    weightStatisticsMonitor(),
    ...(options.trackNorms === 'batch' ? [batchNormsMonitor()] : []),
    ...(options.batchLosses === false ? [] : [batchLossesMonitor()]),
  ] as Array<Monitor<Partial<MonitoredFields>>>;
}
