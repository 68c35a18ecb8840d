/**
 * Records an older penx wrote, of the current format (run@3), read truly or refused loudly. Each is
 * written by hand as that penx's code wrote it (the commit named), cut to what the case needs: the
 * reader never sees the weights, only what the record says, and a measuring tool that misreports is
 * worse than none.
 */
import { describe, expect, it } from 'vitest';
import { pruneLevelOf } from '../../mnist-demo/experiment/prune-level.ts';
import { PruneCurveError } from '../../src/errors.ts';
import { normedAxes, type RunRecord, readRunRecord, recordedNormedWeight } from '../../src/formats/index.ts';
import { pruneLevelWithin } from '../../src/training/index.ts';
import { layerBounds, normsGridSpec, pruneCurveSpec, unknownAxesLines } from '../../src/viz/figures/index.ts';
import { normsSection, pageModel } from '../../src/viz/report/index.ts';
import { gridRules as gridRulesOf, plain } from '../viz/figures/spec-helpers.ts';

const histogram = { lo: -1, hi: 1, density: [0.5, 0.5], below: 0, above: 0, zeros: 0, count: 4 };
const sparsity = { lt1e3: 0, lt1e2: 0 };

/** A layer's statistics as every run@3 writer wrote them (only the fields the schema asks for). */
const layerStats = (name: string) => ({ name, count: 4, histogram, sparsity, penalty: 0 });

/** A channel-norm entry as the monitor wrote it. */
const norms = (layer: string, values: number[]) => ({
  layer,
  norms: values,
  mean: values.reduce((a, b) => a + b, 0) / values.length,
  max: Math.max(...values),
});

/**
 * A run@3 record of one epoch, as run.json held it: `weights` its config.weights, `norms` each
 * snapshot's channel norms, and what `epoch` adds (a prune curve, metrics).
 */
function oldRecord(parts: { weights: object[]; layers: string[]; norms: object[]; snapshot?: object; epoch?: object }) {
  const snapshot = (epoch: number) => ({
    epoch,
    testLoss: 0.5,
    testAcc: 0.75,
    histogram,
    sparsity,
    layers: parts.layers.map(layerStats),
    norms: parts.norms,
    penaltyLoss: 0,
    ...parts.snapshot,
  });
  return {
    format: 'penalty-explorer/run@3',
    config: {
      name: 'old',
      penalty: 'none',
      penaltyFormula: '0',
      penalizeBias: false,
      optimizer: 'sgd:lr=0.1',
      loss: 'sparseCategoricalCrossentropy',
      trackNorms: 'epoch',
      epochs: 1,
      batchSize: 4,
      seed: 1,
      trainSize: 4,
      testSize: 4,
      data: 'tensors',
      backend: 'cpu',
      threads: 1,
      versions: { '@tensorflow/tfjs': '4.22.0' },
      startedAt: '2026-12-05T10:00:00.000Z',
      weights: parts.weights,
    },
    initial: snapshot(0),
    epochs: [{ ...snapshot(1), trainLoss: 0.6, trainAcc: 0.5, seconds: 1, ...parts.epoch }],
  };
}

/** Each layer's bound rules in the norms grid of `record`, as [layer, bound]. */
const gridRules = (record: RunRecord) => gridRulesOf(normsGridSpec(record));

const subtitle = (spec: any) => [spec.title.subtitle].flat().join(' ');

/**
 * A record of a model of two outputs with a prune curve, as 5706da3..7660ba3^ wrote it: the
 * snapshots' testMetrics name each output's accuracy, the prune points only testAcc (null for
 * several outputs), no testMetrics.
 */
function multiOutputPruneRecord(): RunRecord {
  const point = (level: number) => ({
    level,
    testLoss: 1,
    testAcc: null,
    zeros: level / 100,
    layers: [{ name: 'd/kernel', zeros: level / 100 }],
    size: { dense: 48, sparse: 48, ratio: 1 },
  });
  const curve = { weights: 12, global: [point(0), point(50)], perLayer: [point(0), point(50)], seconds: 0.1 };
  return readRunRecord(
    oldRecord({
      weights: [{ name: 'd/kernel', layer: 'd', shape: [4, 3], kind: 'kernel', trainable: true }],
      layers: ['d'],
      norms: [norms('d', [1, 1, 1])],
      snapshot: { testAcc: null, testMetrics: { loss: 1, digit_loss: 0.6, parity_loss: 0.4, digit_acc: 0.5, parity_acc: 0.75 } },
      epoch: { prune: curve },
    }),
  );
}

/** A norm constraint's entry in config.weights, as recorded. */
const constraint = (spec: string, bounds: object) => ({ constraint: { spec, source: 'builtin', bounds } });

describe('an older record read truly, or refused loudly', () => {
  it("a Conv2DTranspose of in = out recorded before normedAxes: its norms' axes unknown, said, and no bound drawn beside them", () => {
    // As 456e407..b85df35^ wrote it (channelLayout: a Conv2DTranspose's norms over its second last
    // axis, 0+1+3; before 456e407 over its last, 0+1+2; the record names neither the class nor the
    // writer): config.weights without normedAxes or madeBy; the constraint's bounds as recorded.
    const bounds = { max: 0.5, axis: 0, perChannel: true };
    const record = readRunRecord(
      oldRecord({
        weights: [
          {
            name: 'up/kernel',
            layer: 'up',
            shape: [2, 2, 3, 3],
            kind: 'kernel',
            trainable: true,
            constraint: { spec: 'maxnorm:m=0.5,perchannel=1', source: 'builtin', bounds },
          },
          { name: 'up/bias', layer: 'up', shape: [3], kind: 'bias', trainable: true },
        ],
        layers: ['up'],
        norms: [norms('up', [0.4, 0.7, 0.5])],
      }),
    );
    const weight = record.config.weights[0]!;
    expect(normedAxes(weight, 3)).toBeUndefined();
    // Not guessed: no rule at 0.5 beside a norm of 0.7 that it may not bound.
    expect(layerBounds(record, 'up')).toBeUndefined();
    expect(gridRules(record)).toEqual([]);
    const why = "channel norms' axes unknown for up (a record written before it stated normedAxes cannot tell whether they are over axis=0+1+2";
    const text = subtitle(plain(normsGridSpec(record)));
    expect(text).toContain(why);
    expect(text).toContain('or axis=0+1+3');
    expect(text).toContain('its kernel [2, 2, 3, 3] has out = in');
    expect(text).toContain('no red rule for up (its constraint bounds the norms over axis=0+1+2, the axes of the norms shown are unknown)');
    expect(normsSection([record], pageModel([record]))).toContain('axes unknown for up (a record written before it stated normedAxes cannot tell');
    // Stated (by the record's normedAxes, or its madeBy), read as stated; in ≠ out, by the norm count.
    expect(normedAxes({ ...weight, normedAxes: [0, 1, 3] }, 3)).toEqual([0, 1, 3]);
    expect(normedAxes({ ...weight, madeBy: 'Conv2DTranspose' }, 3)).toEqual([0, 1, 3]);
    expect(normedAxes({ ...weight, madeBy: 'Conv2D' }, 3)).toEqual([0, 1, 2]);
    expect(normedAxes({ ...weight, shape: [2, 2, 6, 3] }, 6)).toEqual([0, 1, 3]);
    expect(unknownAxesLines([{ ...record, config: { ...record.config, weights: [{ ...weight, madeBy: 'Conv2D' }] } }], ['old'])).toEqual([]);
  });

  it('a custom weight x/my_embeddings that the record classed a kernel is not taken for the normed weight: its writer took x/kernel', () => {
    // As cc9ab7f..b85df35^ wrote it: weightKind called any name ending in kernel or embeddings a
    // kernel (`kind: 'kernel'`), but the monitor's normedWeightIndex took the first weight whose name
    // ends in `kernel` (an `embeddings` only without one): the norms of x are x/kernel's, 2 of them.
    const bounds = { max: 1, axis: 0 };
    const record = readRunRecord(
      oldRecord({
        weights: [
          { name: 'x/my_embeddings', layer: 'x', shape: [5, 3], kind: 'kernel', trainable: true },
          {
            name: 'x/kernel',
            layer: 'x',
            shape: [3, 2],
            kind: 'kernel',
            trainable: true,
            constraint: { spec: 'maxnorm:m=1,axis=0', source: 'builtin', bounds },
          },
        ],
        layers: ['x'],
        norms: [norms('x', [0.9, 1])],
      }),
    );
    expect(layerBounds(record, 'x')).toEqual(bounds);
    expect(gridRules(record)).toEqual([['x', 1]]);
    expect(subtitle(plain(normsGridSpec(record)))).not.toContain('no red rule');
  });

  it("a prune curve of a model of several outputs measured before its points recorded each output's accuracy: said, not drawn as a loss without one", () => {
    const record = multiOutputPruneRecord();
    expect(subtitle(plain(pruneCurveSpec([record])))).toContain(
      `no accuracy drawn: a model of several outputs whose curve was measured before prune curves recorded each output's (measure it again) — "none"`,
    );
    // One output, a loss without accuracy: nothing to say.
    const single = {
      ...record,
      initial: { ...record.initial, testMetrics: { loss: 1 } },
      epochs: record.epochs.map((e) => ({ ...e, testMetrics: { loss: 1 } })),
    };
    expect(subtitle(plain(pruneCurveSpec([single])))).not.toContain('no accuracy drawn');
  });

  it("a SeparableConv2D's norms recorded before 456e407 are its depthwise kernel's, told by their count; where mult = filters, unknown and said", () => {
    // As written before 456e407 (`git show 456e407^:src/monitor/norms.ts`): kernelOf took the layer's
    // first weight whose name ends in kernel, the depthwise_kernel [3, 3, 4, mult], and normed it
    // over its last axis: mult norms (2). From 456e407 its pointwise_kernel [1, 1, 8, filters].
    const weights = (filters: number) => [
      {
        name: 'sep/depthwise_kernel',
        layer: 'sep',
        shape: [3, 3, 4, 2],
        kind: 'kernel',
        trainable: true,
        ...constraint('maxnorm:m=1,perchannel=1', { max: 1, axis: 0, perChannel: true }),
      },
      {
        name: 'sep/pointwise_kernel',
        layer: 'sep',
        shape: [1, 1, 8, filters],
        kind: 'kernel',
        trainable: true,
        ...constraint('maxnorm:m=0.5,axis=0+1+2', { max: 0.5, axis: [0, 1, 2] }),
      },
      { name: 'sep/bias', layer: 'sep', shape: [filters], kind: 'bias', trainable: true },
    ];
    const record = (filters: number, values: number[]) =>
      readRunRecord(oldRecord({ weights: weights(filters), layers: ['sep'], norms: [norms('sep', values)] }));
    const old = record(5, [0.9, 1]);
    expect(recordedNormedWeight(old.config.weights!, 'sep', 2)?.name).toBe('sep/depthwise_kernel');
    expect(normedAxes(old.config.weights![0]!, 2)).toEqual([0, 1, 2]);
    // The depthwise kernel's bound at 1 beside its norms, not the pointwise kernel's at 0.5.
    expect(gridRules(old)).toEqual([['sep', 1]]);
    // Five norms: the pointwise kernel's (a writer from 456e407 on).
    expect(gridRules(record(5, [0.4, 0.5, 0.3, 0.2, 0.1]))).toEqual([['sep', 0.5]]);
    // Two filters and a multiplier of 2: either kernel's; said, and no bound drawn.
    const either = record(2, [0.9, 1]);
    expect(recordedNormedWeight(either.config.weights!, 'sep', 2)).toBeUndefined();
    expect(gridRules(either)).toEqual([]);
    const text = subtitle(plain(normsGridSpec(either)));
    expect(text).toContain(
      "channel norms' axes unknown for sep (a record written before it stated normedAxes cannot tell whether they are of sep/depthwise_kernel [3, 3, 4, 2] (one per depth multiplier, by an older penx) or sep/pointwise_kernel [1, 1, 8, 2] (one per output channel): both have 2 on their last axis)",
    );
    expect(normsSection([either], pageModel([either]))).toContain('cannot tell whether they are of sep/depthwise_kernel');
    // A record stating madeBy was written from 456e407 on: the pointwise kernel's.
    const stated = { ...either, config: { ...either.config, weights: either.config.weights!.map((w) => ({ ...w, madeBy: 'SeparableConv2D' })) } };
    expect(recordedNormedWeight(stated.config.weights, 'sep', 2)?.name).toBe('sep/pointwise_kernel');
    expect(unknownAxesLines([stated], ['old'])).toEqual([]);
  });

  it("a DepthwiseConv2D's norms recorded before 456e407 are over all but its last axis (one per multiplier), told by their count", () => {
    // As written before 456e407: its depthwise_kernel [3, 3, 4, 2] normed over its last axis only,
    // one norm per depth multiplier (2); from 456e407 over its last two, one per input channel and
    // multiplier (8). A perchannel=1 bound (over axis=0+1+2) bounds the older ones exactly.
    const weight = { name: 'dw/depthwise_kernel', layer: 'dw', shape: [3, 3, 4, 2], kind: 'kernel' as const, trainable: true };
    const bounded = { ...weight, ...constraint('maxnorm:m=0.5,perchannel=1', { max: 0.5, axis: 0, perChannel: true }) };
    const record = (values: number[]) => readRunRecord(oldRecord({ weights: [bounded], layers: ['dw'], norms: [norms('dw', values)] }));
    const old = record([0.4, 0.5]);
    expect(normedAxes(weight, 2)).toEqual([0, 1, 2]);
    expect(gridRules(old)).toEqual([['dw', 0.5]]);
    expect(subtitle(plain(normsGridSpec(old)))).not.toContain('no red rule');
    // Eight: from 456e407 on (a record stating madeBy is one); the perchannel=1 bound is on other slices.
    expect(normedAxes(weight, 8)).toEqual([0, 1]);
    expect(normedAxes({ ...weight, madeBy: 'DepthwiseConv2D' }, 2)).toEqual([0, 1]);
    expect(gridRules(record(Array(8).fill(0.3)))).toEqual([]);
    // One input channel: both writers' norms are the same numbers. A count fitting neither: said.
    expect(normedAxes({ ...weight, shape: [3, 3, 1, 2] }, 2)).toEqual([0, 1]);
    expect(unknownAxesLines([record([0.1, 0.2, 0.3])], ['old'])).toEqual([
      "channel norms' axes unknown for dw (a record written before it stated normedAxes cannot tell whether they are over axis=0+1+2 (one per depth multiplier, by an older penx) or axis=0+1 (one per input channel and multiplier): its 3 norms fit neither count of its kernel [3, 3, 4, 2])",
    ]);
  });

  it("pruning to an accuracy on an older several-output curve is refused saying why and what to do, not a bare '[0].testAcc is null'", () => {
    const record = multiOutputPruneRecord();
    const points = record.epochs[0]!.prune!.global;
    const refusal = () => pruneLevelWithin(points, 1, { run: record });
    expect(refusal).toThrow(PruneCurveError);
    // What a user can check in the record (no date: the package's version did not change with it).
    expect(refusal).toThrow(
      "the prune curve's [0].testAcc is null: it has no test accuracy of the trained model (level 0) to compare its levels with: " +
        "its model has several outputs, whose accuracies its run's epochs record (testMetrics) but its points do not, as an older penx measured prune curves; measure the curve again",
    );
    // The app names the file and field, and what to do in its terms.
    const at = { file: 'runs/a/run.json', record, index: 0, scope: 'global', command: 'penx prune' } as const;
    expect(() => pruneLevelOf(at, points, 1)).toThrow(
      "runs/a/run.json: epochs[0].prune.global[0].testAcc is null: the model has several outputs, whose accuracies the run's epochs record (testMetrics) " +
        "but this prune curve's points do not, as an older penx measured prune curves; penx prune refused: train the run again with this penx: its prune curve then records each output's accuracy",
    );
    // Without a record to tell, or of one output: as before.
    expect(() => pruneLevelWithin(points, 1)).toThrow(
      /^the prune curve's \[0\]\.testAcc is null: it has no test accuracy of the trained model \(level 0\) to compare its levels with$/,
    );
  });
});
