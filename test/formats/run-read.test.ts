/**
 * Older records still read: a run@2 record (and a run@1) comes back as run@3 — every weight listed
 * with the penalty and constraint the old record named, moving statistics marked non-trainable,
 * each snapshot's penaltyLoss the sum of its layers' penalties, and a TF.js model.fit record's
 * trainLoss without the penalties it included.
 */
import { describe, expect, it } from 'vitest';
import { lastRecordedEpoch, RecordFormatError, RUN_FORMAT, readRunRecord } from '../../src/index.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

const hist = { lo: -1, hi: 1, density: [0.5, 0.5], below: 0, above: 0, zeros: 0, count: 4 };
const sp = { lt1e3: 0, lt1e2: 0 };
const w = (name: string, kind: string, shape: number[]) => ({ name, kind, shape, histogram: hist, sparsity: sp });
const snapshot = (epoch: number, penalties: [number, number]) => ({
  epoch,
  testLoss: 1,
  testAcc: 0.5,
  histogram: hist,
  sparsity: sp,
  layers: [
    {
      name: 'dense_1',
      count: 6,
      histogram: hist,
      sparsity: sp,
      penalty: penalties[0],
      weights: [w('dense_1/kernel', 'kernel', [2, 2]), w('dense_1/bias', 'bias', [2])],
    },
    {
      name: 'bn',
      count: 8,
      histogram: hist,
      sparsity: sp,
      penalty: 0,
      weights: [w('bn/gamma', 'other', [2]), w('bn/beta', 'other', [2]), w('bn/moving_mean', 'other', [2]), w('bn/moving_variance', 'other', [2])],
    },
    {
      name: 'dense_2',
      count: 6,
      histogram: hist,
      sparsity: sp,
      penalty: penalties[1],
      weights: [w('dense_2/kernel', 'kernel', [2, 2]), w('dense_2/bias', 'bias', [2])],
    },
  ],
  norms: [],
});
const v2 = (config: Record<string, unknown>) => ({
  format: 'penalty-explorer/run@2',
  config: {
    name: 'old',
    loss: 'categoricalCrossentropy',
    penalty: 'l1:1e-4',
    penaltyFormula: 'λ·Σ|w|',
    penalizeBias: false,
    optimizer: 'adam',
    trackNorms: 'epoch',
    epochs: 1,
    batchSize: 32,
    seed: 42,
    trainSize: 10,
    testSize: 5,
    data: 'tensors',
    backend: 'cpu',
    threads: 1,
    versions: {},
    startedAt: 'then',
    ...config,
  },
  initial: snapshot(0, [0.02, 0.01]),
  epochs: [{ ...snapshot(1, [0.03, 0.02]), trainLoss: 0.9, penaltyLoss: 0.04, trainAcc: 0.6, seconds: 1 }],
});

describe('readRunRecord upgrades older records', () => {
  it('a run@2 record: weights with its penalty and constraint on every kernel, bounds kept, moving statistics non-trainable', () => {
    const r = readRunRecord(v2({ constraint: 'maxnorm:m=2,axis=0', constraintBounds: { max: 2, axis: 0 } }));
    expect(r.format).toBe(RUN_FORMAT);
    expect(r.config.weights.map((x) => [x.name, x.trainable, x.penalty?.spec, x.constraint?.bounds?.max])).toEqual([
      ['dense_1/kernel', true, 'l1:1e-4', 2],
      ['dense_1/bias', true, undefined, undefined],
      ['bn/gamma', true, undefined, undefined],
      ['bn/beta', true, undefined, undefined],
      ['bn/moving_mean', false, undefined, undefined],
      ['bn/moving_variance', false, undefined, undefined],
      ['dense_2/kernel', true, 'l1:1e-4', 2],
      ['dense_2/bias', true, undefined, undefined],
    ]);
    expect(r.config.weights[0]!.penalty).toEqual({ spec: 'l1:1e-4', strength: 1e-4, formula: 'λ·Σ|w|', source: 'builtin' });
    expect('constraintBounds' in r.config).toBe(false);
    // penaltyLoss: the layers' terms at the snapshot, as run@2 recorded them.
    expect(r.initial.penaltyLoss).toBeCloseTo(0.03, 12);
    expect(r.epochs[0]!.penaltyLoss).toBeCloseTo(0.05, 12);
    expect(r.epochs[0]!.trainLoss).toBe(0.9);
    expect(r.config.trainer).toBe('fit');
    expect(r.epochs[0]!.layers[1]!.weights!.map((x) => x.trainable)).toEqual([true, true, false, false]);
  });

  it('per-layer penalties of run@2 go to their layers’ kernels; a model.fit record loses the penalties from trainLoss', () => {
    const r = readRunRecord(v2({ penalty: 'dense_1: deadzone:1e-4,a=0.25; dense_2: none', penaltyFormula: 'per layer', data: 'model.fit' }));
    expect(r.config.weights.filter((x) => x.penalty).map((x) => [x.name, x.penalty!.spec])).toEqual([['dense_1/kernel', 'deadzone:1e-4,a=0.25']]);
    expect(r.config.trainer).toBe('model.fit');
    expect(r.epochs[0]!.trainLoss).toBeCloseTo(0.9 - 0.05, 12);
  });

  it('a run@2 penalty in proximal mode keeps its strength: the spec read with its prox item (parsePenaltySpec), wherever it stands', () => {
    for (const spec of ['l1:1e-4,prox', 'deadzone:1e-4,prox,a=0.25', 'l1:1e-4 , prox ']) {
      expect(readRunRecord(v2({ penalty: spec })).config.weights[0]!.penalty, spec).toMatchObject({ spec, strength: 1e-4 });
    }
    const perLayer = readRunRecord(v2({ penalty: 'dense_1: l1:3e-4,prox; dense_2: none', penaltyFormula: 'per layer' }));
    expect(perLayer.config.weights[0]!.penalty).toMatchObject({ spec: 'l1:3e-4,prox', strength: 3e-4 });
  });

  it('a run@1 record reads too; anything else is refused', () => {
    const { loss: _l, ...config } = v2({}).config;
    const r = readRunRecord({ ...v2({}), format: 'penalty-explorer/run@1', config });
    expect(r.config.loss).toBe('categoricalCrossentropy');
    expect(r.config.weights).toHaveLength(8);
    expect(() => readRunRecord({ ...v2({}), format: 'penalty-explorer/run@9' })).toThrow(RecordFormatError);
  });
});

describe('lastRecordedEpoch: the last epoch of a record, the rest not checked', () => {
  it('of run@3 from its last entry alone; of an older format from the record read; anything else refused', () => {
    const run = makeRunRecord({ epochs: 3 });
    expect(lastRecordedEpoch(JSON.parse(JSON.stringify(run)))).toBe(3);
    // A snapshot the schema would refuse is not looked at: only the epochs' list and the last number.
    expect(lastRecordedEpoch({ ...run, initial: null, epochs: [{ epoch: 1 }, { epoch: 2 }] })).toBe(2);
    expect(lastRecordedEpoch({ ...run, epochs: [] })).toBe(0);
    expect(lastRecordedEpoch(v2({}))).toBe(1);
    expect(() => lastRecordedEpoch({ ...run, epochs: [{ epoch: '1' }] })).toThrow(/epochs\[0\]\.epoch is not a number/);
    expect(() => lastRecordedEpoch({ ...run, epochs: {} })).toThrow(/epochs is not a list/);
    expect(() => lastRecordedEpoch({ ...v2({}), format: 'penalty-explorer/run@9' })).toThrow(RecordFormatError);
    expect(() => lastRecordedEpoch(null)).toThrow(RecordFormatError);
  });
});

describe('a perchannel=1 norm constraint recorded before its spec dropped the axis', () => {
  it("reads with the spec shown now (maxnorm:m=2,perchannel=1, not …,axis=0,…): a resume compares it with the model's", () => {
    const old = makeRunRecord({
      epochs: 1,
      layers: ['dense_1', 'dense_2'],
      constraint: 'maxnorm:m=2,axis=0,perchannel=1',
      constraintBounds: { max: 2, axis: 0, perChannel: true },
    });
    const read = readRunRecord(JSON.parse(JSON.stringify(old)));
    expect(read.config.constraint).toBe('maxnorm:m=2,perchannel=1');
    const specs = read.config.weights.flatMap((w) => (w.constraint ? [w.constraint.spec] : []));
    expect(specs.length).toBeGreaterThan(0);
    expect(new Set(specs)).toEqual(new Set(['maxnorm:m=2,perchannel=1']));
    expect(read.config.weights.find((w) => w.constraint)?.constraint?.bounds).toEqual({ max: 2, axis: 0, perChannel: true });
    // Every other spec as it was written.
    for (const spec of ['maxnorm:m=2,axis=0', 'maxnorm:m=2,axis=0+1+2', 'unitnorm:perchannel=1', 'nonneg']) {
      const r = makeRunRecord({ epochs: 1, layers: ['dense_1', 'dense_2'], constraint: spec });
      expect(readRunRecord(JSON.parse(JSON.stringify(r))).config.constraint).toBe(spec);
    }
  });
});
