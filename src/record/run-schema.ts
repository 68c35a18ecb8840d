/**
 * The schema of the run record (`penalty-explorer/run@2`, the types in schema.ts), checked with
 * zod whenever a record is read (read.ts): a record that does not fit is refused with the path of
 * what is wrong, never half-used. A test proves that the type this schema gives equals `RunRecord`,
 * so a field added to one and not the other fails the type check.
 *
 * Numbers: JSON writes a non-finite number (NaN, e.g. the training size of a dataset of unknown
 * length) as null, so a `number` field reads null back as NaN; `number | null` fields keep null.
 * Keys the schema does not know are dropped.
 */
import { z } from 'zod';
import { RUN_FORMAT } from './schema.ts';

const num = z.union([z.number(), z.null()]).transform((x) => x ?? NaN);
const nums = z.array(num);
const nullable = z.number().nullable();

const histogram = z.object({ lo: num, hi: num, density: nums, below: num, above: num, zeros: num, count: num });
const fineHistogram = z.object({ scale: z.enum(['linear', 'log10abs']), lo: num, hi: num, bins: num, counts: z.string(), below: num, above: num, zeros: num, count: num });
const sparsity = z.object({ lt1e3: num, lt1e2: num });

const weightStats = z.object({
  name: z.string(),
  kind: z.enum(['kernel', 'bias', 'other']),
  shape: nums,
  histogram,
  sparsity,
  fine: fineHistogram.optional(),
  logAbs: fineHistogram.optional(),
  percentiles: nums.optional(),
});

const layerStats = z.object({ name: z.string(), count: num, histogram, sparsity, penalty: num, weights: z.array(weightStats).optional(), percentiles: nums.optional() });
const channelNorms = z.object({ layer: z.string(), norms: nums, mean: num, max: num, projected: num.optional() });
const batchNorms = z.object({ batch: num, layers: z.array(z.object({ layer: z.string(), mean: num, max: num })) });

const snapshotShape = {
  epoch: num,
  testLoss: nullable,
  testAcc: nullable,
  histogram,
  sparsity,
  percentiles: nums.optional(),
  layers: z.array(layerStats),
  norms: z.array(channelNorms),
};
const weightsSnapshot = z.object(snapshotShape);

const sparseSize = z.object({ dense: num, sparse: num, ratio: num });
const prunePoint = z.object({ level: num, testLoss: nullable, testAcc: nullable, zeros: num, layers: z.array(z.object({ name: z.string(), zeros: num })), size: sparseSize });
const pruneCurve = z.object({ weights: num, global: z.array(prunePoint), perLayer: z.array(prunePoint), seconds: num });

const epochRecord = z.object({
  ...snapshotShape,
  trainLoss: num,
  penaltyLoss: num,
  trainAcc: nullable,
  seconds: num,
  batchNorms: z.array(batchNorms).optional(),
  batchLosses: z.object({ data: nums, penalty: nums }).optional(),
  prune: pruneCurve.optional(),
});

const modelInfo = z.object({ name: z.string(), source: z.string().optional(), weights: num, inputShape: nums, outputShape: nums });

const placeShape = {
  backend: z.string(),
  threads: num,
  parallel: z.enum(['data', 'threads']).optional(),
  gradients: z.enum(['fused', 'per-kernel']).optional(),
  gradientsWhy: z.string().optional(),
  versions: z.record(z.string(), z.string()),
  startedAt: z.string(),
};

/** A penalty's curve as training stores it. */
export const penaltyCurveSchema = z.object({ spec: z.string(), formula: z.string(), points: z.array(z.object({ w: num, value: num, slope: num })) });

const runConfig = z.object({
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
  constraintBounds: z.object({ min: num.optional(), max: num.optional(), axis: z.union([num, nums]), perChannel: z.boolean().optional() }).optional(),
  epochs: num,
  batchSize: num,
  seed: num,
  trainSize: num,
  testSize: num,
  data: z.string(),
  ...placeShape,
});

/** The run record, format `penalty-explorer/run@2`. */
export const runRecordSchema = z.object({
  format: z.literal(RUN_FORMAT),
  config: runConfig,
  initial: weightsSnapshot,
  epochs: z.array(epochRecord),
  stopped: z.object({ epoch: num, batch: num, reason: z.string() }).optional(),
  sessions: z.array(z.object({ ...placeShape, fromEpoch: num })).optional(),
});
