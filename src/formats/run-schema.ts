/**
 * The schema of the run record (`penalty-explorer/run@3`, the types in schema.ts), checked with
 * zod whenever a record is read (read.ts): a record that does not fit is refused with the path of
 * what is wrong, never half-used. A test proves that the type this schema gives equals `RunRecord`,
 * so a field added to one and not the other fails the type check. `runRecordV2Schema` is the
 * schema of the format before (`run@2`), which read.ts checks and then upgrades.
 *
 * Numbers: JSON writes a non-finite number (NaN, e.g. the training size of a dataset of unknown
 * length) as null, so a `number` field reads null back as NaN; `number | null` fields keep null.
 * Keys the schema does not know are dropped.
 */
import * as z from 'zod';
import { RUN_FORMAT } from './run.ts';

const num = z.union([z.number(), z.null()]).transform((x) => x ?? NaN);
const nums = z.array(num);
const nullable = z.number().nullable();
const metrics = z.record(z.string(), nullable);

const histogram = z.object({ lo: num, hi: num, density: nums, below: num, above: num, zeros: num, count: num });
const fineHistogram = z.object({
  scale: z.enum(['linear', 'log10abs']),
  lo: num,
  hi: num,
  bins: num,
  counts: z.string(),
  below: num,
  above: num,
  zeros: num,
  count: num,
});
const sparsity = z.object({ lt1e3: num, lt1e2: num });
const kind = z.enum(['kernel', 'bias', 'other']);

const weightStatsV2 = z.object({
  name: z.string(),
  kind,
  shape: nums,
  histogram,
  sparsity,
  fine: fineHistogram.optional(),
  logAbs: fineHistogram.optional(),
  percentiles: nums.optional(),
});
const weightStats = weightStatsV2.extend({ trainable: z.boolean(), penalty: num.optional() });

const layerShape = { name: z.string(), count: num, histogram, sparsity, penalty: num, percentiles: nums.optional() };
const layerStatsV2 = z.object({ ...layerShape, weights: z.array(weightStatsV2).optional() });
const layerStats = z.object({ ...layerShape, weights: z.array(weightStats).optional() });
const channelNorms = z.object({ layer: z.string(), norms: nums, mean: num, max: num, projected: num.optional() });
const batchNorms = z.object({ batch: num, layers: z.array(z.object({ layer: z.string(), mean: num, max: num })) });

const snapshotV2Shape = {
  epoch: num,
  testLoss: nullable,
  testAcc: nullable,
  histogram,
  sparsity,
  percentiles: nums.optional(),
  layers: z.array(layerStatsV2),
  norms: z.array(channelNorms),
};
const snapshotShape = {
  ...snapshotV2Shape,
  monitors: z.record(z.string(), z.json()).optional(),
  testMetrics: metrics.optional(),
  layers: z.array(layerStats),
  nonTrainable: z.object({ count: num, histogram, sparsity, percentiles: nums.optional(), layers: z.array(layerStats) }).optional(),
  penaltyLoss: num,
};

const sparseSize = z.object({ dense: num, sparse: num, ratio: num });
const prunePoint = z.object({
  level: num,
  testLoss: nullable,
  testAcc: nullable,
  testMetrics: metrics.optional(),
  zeros: num,
  layers: z.array(z.object({ name: z.string(), zeros: num })),
  size: sparseSize,
});
const pruneCurve = z.object({ weights: num, global: z.array(prunePoint), perLayer: z.array(prunePoint), seconds: num });

const epochShape = {
  trainLoss: num,
  trainAcc: nullable,
  seconds: num,
  batchNorms: z.array(batchNorms).optional(),
  batchLosses: z.object({ data: nums, penalty: nums }).optional(),
  prune: pruneCurve.optional(),
};

const modelInfo = z.object({
  name: z.string(),
  source: z.string().optional(),
  weights: num,
  trainableWeights: num.optional(),
  inputShape: nums,
  outputShape: nums,
});

const placeShape = {
  backend: z.string(),
  threads: num,
  parallel: z.enum(['data', 'threads']).optional(),
  gradients: z.enum(['fused', 'per-kernel']).optional(),
  gradientsWhy: z.string().optional(),
  versions: z.record(z.string(), z.string()),
  startedAt: z.string(),
};

/** A user's monitor: its section's name, its view (a Vega-Lite spec without data) and the module it was loaded from. */
const monitorInfo = z.object({
  name: z.string(),
  view: z.object({ title: z.string(), spec: z.record(z.string(), z.json()) }).optional(),
  module: z.string().optional(),
});

/** A penalty's curve as training stores it. */
export const penaltyCurveSchema = z.object({ spec: z.string(), formula: z.string(), points: z.array(z.object({ w: num, value: num, slope: num })) });

const normBounds = z.object({ min: num.optional(), max: num.optional(), axis: z.union([num, nums]), perChannel: z.boolean().optional() });
const source = z.enum(['builtin', 'user', 'tfjs']);
const weightInfo = z.object({
  name: z.string(),
  layer: z.string(),
  shape: nums,
  kind,
  trainable: z.boolean(),
  normedAxes: nums.optional(),
  madeBy: z.string().optional(),
  penalty: z
    .object({
      spec: z.string(),
      strength: nullable,
      formula: z.string(),
      source,
      tfjs: z.object({ className: z.string(), config: z.record(z.string(), z.unknown()) }).optional(),
    })
    .optional(),
  constraint: z.object({ spec: z.string(), source, bounds: normBounds.optional() }).optional(),
});

const configShape = {
  name: z.string(),
  model: modelInfo.optional(),
  penalty: z.string(),
  penaltyFormula: z.string(),
  penaltyModule: z.string().optional(),
  penaltyCurves: z.array(penaltyCurveSchema).optional(),
  constraint: z.string().optional(),
  penalizeBias: z.boolean(),
  optimizer: z.string(),
  lrMult: z.string().optional(),
  grad: z.string().optional(),
  freeze: z.string().optional(),
  loss: z.string(),
  trackNorms: z.enum(['epoch', 'batch']),
  epochs: num,
  batchSize: num,
  seed: num,
  trainSize: num,
  testSize: num,
  data: z.string(),
  ...placeShape,
};

const recordShape = {
  stopped: z.object({ epoch: num, batch: num, reason: z.string() }).optional(),
  sessions: z.array(z.object({ ...placeShape, fromEpoch: num })).optional(),
};

/** The run record, format `penalty-explorer/run@3`. */
export const runRecordSchema = z.object({
  format: z.literal(RUN_FORMAT),
  config: z.object({
    ...configShape,
    weights: z.array(weightInfo),
    trainer: z.enum(['fit', 'model.fit']).optional(),
    metrics: z.array(z.string()).optional(),
    monitors: z.array(monitorInfo).optional(),
  }),
  initial: z.object(snapshotShape),
  epochs: z.array(z.object({ ...snapshotShape, ...epochShape, trainMetrics: metrics.optional() })),
  ...recordShape,
  endedEarly: z.object({ epoch: num, reason: z.string() }).optional(),
});

/** The run record of format `penalty-explorer/run@2` (read, then upgraded by read.ts). */
export const runRecordV2Schema = z.object({
  format: z.literal('penalty-explorer/run@2'),
  config: z.object({ ...configShape, constraintBounds: normBounds.optional() }),
  initial: z.object(snapshotV2Shape),
  epochs: z.array(z.object({ ...snapshotV2Shape, ...epochShape, penaltyLoss: num })),
  ...recordShape,
});
