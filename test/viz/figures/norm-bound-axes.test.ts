/**
 * A norm constraint's bound is drawn in a layer's norm panel only when it bounds the norms shown:
 * a Dense's columns (axis=0), an Embedding's rows (axis=1), a Conv2D's filters (axis=0+1+2, as
 * TF.js's maxNorm takes them on a 4-D kernel). On other slices (a Dense's rows, axis=1) it bounds
 * nothing shown, and its rule would mislead; the subtitles say so instead.
 */
import { describe, expect, it } from 'vitest';
import { boundsNormsExactly, type NormBounds, normedAxes, perChannelWords, type RunRecord, readRunRecord, snapshots } from '../../../src/formats/index.ts';
import { constraint, fit, tf } from '../../../src/index.ts';
import { constraintText, normCurvesSpec, normsGridSpec } from '../../../src/viz/figures/index.ts';
import { normsSection, pageModel } from '../../../src/viz/report/index.ts';
import { gridRules as gridRulesOf, plain } from './spec-helpers.ts';

/** Each layer's bound rules in the norms grid of `record`, as [layer, bound]. */
const gridRules = (record: RunRecord) => gridRulesOf(normsGridSpec(record));

/** The record with `layer`'s normed weight's constraint bounds replaced (a record is data). */
function withBounds(record: RunRecord, layer: string, bounds: NormBounds): RunRecord {
  const weights = record.config.weights.map((w) => (w.layer === layer && w.constraint?.bounds ? { ...w, constraint: { ...w.constraint, bounds } } : w));
  return { ...record, config: { ...record.config, weights } };
}

/** The largest norm of `layer` recorded in any snapshot. */
const maxNorm = (r: RunRecord, layer: string) => Math.max(...snapshots(r).flatMap((s) => s.norms.find((n) => n.layer === layer)?.norms ?? []));

/**
 * A Conv2DTranspose `up` of `inC` input and `outC` output channels under `maxnorm:m=0.5,perchannel=1`
 * (a uniform kernel of ±2 the bound projects) before a Dense head, trained one epoch; the caller disposes.
 */
async function trainedTranspose(inC: number, outC: number) {
  const [kernelInitializer, kernelConstraint] = [tf.initializers.randomUniform({ minval: -2, maxval: 2, seed: 5 }), constraint('maxnorm:m=0.5,perchannel=1')];
  const up = tf.layers.conv2dTranspose({ name: 'up', inputShape: [3, 3, inC], filters: outC, kernelSize: 2, kernelInitializer, kernelConstraint });
  const model = tf.sequential({ layers: [up, tf.layers.flatten(), tf.layers.dense({ name: 'head', units: 2, activation: 'softmax' })] });
  const x = tf.randomUniform([4, 3, 3, inC], -1, 1, 'float32', 7);
  const y = tf.tensor1d([0, 1, 0, 1]);
  const record = await fit(model, { x, y }, { epochs: 1, batchSize: 4, seed: 1, loss: 'sparseCategoricalCrossentropy' });
  return { record, kernel: model.getLayer('up').getWeights()[0]!, model, x, y };
}

describe("a norm constraint's bound in the norm figures", () => {
  it('is drawn where it bounds the norms shown (Dense axis=0, Embedding axis=1, Conv2D axis=0+1+2), else not, and the subtitles say why', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.embedding({
          name: 'emb',
          inputDim: 5,
          outputDim: 4,
          inputLength: 4,
          embeddingsInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 2 }),
          embeddingsConstraint: constraint('maxnorm:m=0.5,axis=1'),
        }),
        tf.layers.reshape({ targetShape: [4, 4, 1] }),
        tf.layers.conv2d({
          name: 'conv',
          filters: 2,
          kernelSize: 2,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
          // TF.js types `axis` as one number; its maxNorm sums over a list (Keras's per-filter form).
          kernelConstraint: tf.constraints.maxNorm({ maxValue: 0.3, axis: [0, 1, 2] as unknown as number }),
        }),
        tf.layers.flatten(),
        tf.layers.dense({
          name: 'dense',
          units: 2,
          activation: 'softmax',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
          kernelConstraint: constraint('maxnorm:m=0.1,axis=1'),
        }),
      ],
    });
    const x = tf.tensor2d(
      Array.from({ length: 32 }, (_, i) => (i * 7) % 5),
      [8, 4],
    );
    const y = tf.tensor1d([0, 1, 0, 1, 1, 0, 1, 0]);
    const record = await fit(model, { x, y }, { epochs: 1, batchSize: 4, seed: 1, loss: 'sparseCategoricalCrossentropy' });
    tf.dispose([x, y]);
    model.dispose();

    // The bounds that hold the norms shown hold them (TF.js's maxNorm on [2, 2, 1, 2] with axis
    // 0+1+2: per filter); the Dense's rows' bound of 0.1 leaves its columns' norms above it.
    const last = record.epochs.at(-1)!;
    expect(Math.max(...last.norms.find((n) => n.layer === 'emb')!.norms)).toBeLessThanOrEqual(0.5 + 1e-5);
    expect(Math.max(...last.norms.find((n) => n.layer === 'conv')!.norms)).toBeLessThanOrEqual(0.3 + 1e-5);
    expect(Math.min(...last.norms.find((n) => n.layer === 'dense')!.norms)).toBeGreaterThan(0.2);

    expect(gridRules(record)).toEqual([
      ['emb', 0.5],
      ['conv', 0.3],
    ]);
    const subtitle = (spec: any) => spec.title.subtitle.join(' ');
    const why = 'no red rule for dense (its constraint bounds the norms over axis=1, the norms shown are over axis=0)';
    expect(subtitle(plain(normsGridSpec(record)))).toContain(why);
    expect(subtitle(plain(normCurvesSpec([record])))).toContain(why);
    const curveRules = plain(normCurvesSpec([record])).data.values.filter((v: any) => v.kind === 'bound');
    expect(curveRules.map((v: any) => [v.panel, v.bound])).toEqual([
      [0, 0.5],
      [1, 0.3],
    ]);
    const page = pageModel([record]);
    expect(page.runs[0]?.bounds.map((b) => b.map((r) => r.bound))).toEqual([[0.5], [0.3], []]);
    expect(normsSection([record], page)).toContain(`${why[0]?.toUpperCase()}${why.slice(1)}.`);

    // The other way round: the Dense's columns bounded (axis=0), the Embedding's columns (axis=0)
    // and a Conv2D’s slices along its last axis (axis=-1) not.
    const swapped = withBounds(withBounds(withBounds(record, 'dense', { max: 0.1, axis: 0 }), 'emb', { max: 0.5, axis: 0 }), 'conv', { max: 0.3, axis: [-1] });
    expect(gridRules(swapped)).toEqual([['dense', 0.1]]);
    const text = subtitle(plain(normsGridSpec(swapped)));
    expect(text).toContain('emb (its constraint bounds the norms over axis=0, the norms shown are over axis=1)');
    expect(text).toContain('conv (its constraint bounds the norms over axis=3, the norms shown are over axis=0+1+2)');
    expect(maxNorm(swapped, 'dense')).toBeGreaterThan(0.1);
  });

  it('takes the axes of the norms shown from the weight, and the channel count for a transposed convolution', () => {
    expect(normedAxes({ name: 'c/kernel', shape: [3, 3, 1, 32] }, 32)).toEqual([0, 1, 2]);
    expect(normedAxes({ name: 'up/kernel', shape: [2, 2, 6, 3] }, 6)).toEqual([0, 1, 3]);
    expect(normedAxes({ name: 'dw/depthwise_kernel', shape: [3, 3, 4, 2] }, 8)).toEqual([0, 1]);
    expect(boundsNormsExactly({ max: 1, axis: 0, perChannel: true }, { name: 'c/kernel', shape: [3, 3, 1, 32] }, 32)).toBe(true);
    expect(boundsNormsExactly({ max: 1, axis: 0, perChannel: true }, { name: 'up/kernel', shape: [2, 2, 6, 3] }, 6)).toBe(false);
    expect(boundsNormsExactly({ max: 1, axis: [0, 1, 3] }, { name: 'up/kernel', shape: [2, 2, 6, 3] }, 6)).toBe(true);
    expect(boundsNormsExactly({ max: 1, axis: [-3, -4] }, { name: 'dw/depthwise_kernel', shape: [3, 3, 4, 2] }, 8)).toBe(true);
    expect(boundsNormsExactly({ max: 1, axis: [0, 1, 2] }, { name: 'dw/depthwise_kernel', shape: [3, 3, 4, 2] }, 8)).toBe(false);
    // One input channel: perchannel=1's norms over 0+1+2 are the norms shown over 0+1 (axis 2 has one index), one per multiplier.
    expect(normedAxes({ name: 'dw/depthwise_kernel', shape: [3, 3, 1, 2] }, 2)).toEqual([0, 1]);
    expect(boundsNormsExactly({ max: 1, axis: 0, perChannel: true }, { name: 'dw/depthwise_kernel', shape: [3, 3, 1, 2] }, 2)).toBe(true);
    expect(boundsNormsExactly({ max: 1, axis: [0, 1, 3] }, { name: 'dw/depthwise_kernel', shape: [3, 3, 1, 2] }, 2)).toBe(false);
  });

  it("words perchannel=1's norms by what its last axis is: a Conv2DTranspose's input channels (TF.js's kernel [h, w, out, in]), true of the trained kernel", async () => {
    // Out 5, in 2.
    const { record, kernel, model, x, y } = await trainedTranspose(2, 5);
    // [h, w, out, in]: the constraint's norms are over axes 0+1+2, one per input channel (2), held at 0.5;
    // the recorded norms are the 5 output channels'.
    expect(kernel.shape).toEqual([2, 2, 5, 2]);
    const perInput = Array.from(tf.tidy(() => tf.sqrt(tf.sum(tf.square(kernel), [0, 1, 2])).dataSync()));
    expect(perInput).toHaveLength(2);
    for (const n of perInput) expect(n).toBeCloseTo(0.5, 5);
    expect(record.epochs.at(-1)!.norms.find((n) => n.layer === 'up')!.norms).toHaveLength(5);
    tf.dispose([x, y]);
    model.dispose();
    expect(constraintText(record)).toBe('maxnorm:m=0.5,perchannel=1 (max=0.5, per input channel) on up');
    expect(plain(normsGridSpec(record)).title.subtitle.join(' ')).toContain(
      'no red rule for up (its constraint bounds the norms over axis=0+1+2, the norms shown are over axis=0+1+3)',
    );
    // The rule beside normedAxes, by layer type; out = in cannot be told from a Conv2D's, and says both.
    expect(perChannelWords({ name: 'd/kernel', shape: [784, 16] })).toBe('per unit');
    expect(perChannelWords({ name: 'c/kernel', shape: [3, 3, 1, 32] }, 32)).toBe('per output channel');
    expect(perChannelWords({ name: 'sep/pointwise_kernel', shape: [1, 1, 8, 8] }, 8)).toBe('per output channel');
    expect(perChannelWords({ name: 'up/kernel', shape: [2, 2, 4, 4] }, 4)).toBe("per output channel (a transposed convolution's: per input channel)");
    expect(perChannelWords({ name: 'emb/embeddings', shape: [20, 8] }, 20)).toBe('per embedding dimension');
    expect(perChannelWords({ name: 'dw/depthwise_kernel', shape: [3, 3, 4, 2] }, 8)).toBe('per depth multiplier');
    expect(perChannelWords({ name: 'd/bias', shape: [16] })).toBe('per value');
  });

  it("draws no perchannel=1 rule beside a Conv2DTranspose's output-channel norms when its in = out: the record states the axes; a record without them cannot tell, and says so", async () => {
    // In 3, out 3: a kernel [2, 2, 3, 3] whose shape and norm count are a Conv2D's too.
    const trained = await trainedTranspose(3, 3);
    const { kernel, model, x, y } = trained;
    const record = readRunRecord(JSON.parse(JSON.stringify(trained.record)));
    const over = (axes: number[]) => Array.from(tf.tidy(() => tf.sqrt(tf.sum(tf.square(kernel), axes)).dataSync()));
    // The constraint holds each input channel's norm (axes 0+1+2) at 0.5; the norms recorded are the
    // output channels' (axes 0+1+3), and one lies above 0.5: a rule at 0.5 beside them would mislead.
    for (const n of over([0, 1, 2])) expect(n).toBeCloseTo(0.5, 5);
    const recorded = record.epochs.at(-1)!.norms.find((n) => n.layer === 'up')!.norms;
    recorded.forEach((n, c) => expect(n).toBeCloseTo(over([0, 1, 3])[c]!, 5));
    expect(Math.max(...recorded)).toBeGreaterThan(0.5 + 1e-3);
    tf.dispose([x, y]);
    model.dispose();

    const stated = (r: RunRecord) => r.config.weights.map((w) => [w.name, w.normedAxes]);
    expect(stated(record)).toEqual([
      ['up/kernel', [0, 1, 3]],
      ['up/bias', undefined],
      ['head/kernel', [0]],
      ['head/bias', undefined],
    ]);
    expect(gridRules(record)).toEqual([]);
    const why = 'no red rule for up (its constraint bounds the norms over axis=0+1+2, the norms shown are over axis=0+1+3)';
    expect(plain(normsGridSpec(record)).title.subtitle.join(' ')).toContain(why);
    expect(constraintText(record)).toBe('maxnorm:m=0.5,perchannel=1 (max=0.5, per input channel) on up');

    // A record written before the axes (and the class that made the weight) were stated: its shape and
    // norm count cannot tell this kernel from a Conv2D's, so no rule, both worded, and the figure says so
    // (test/formats/old-records.test.ts reads one written by hand).
    const old = readRunRecord(JSON.parse(JSON.stringify(record, (k, v) => (k === 'normedAxes' || k === 'madeBy' ? undefined : v))));
    expect(stated(old).every(([, axes]) => axes === undefined)).toBe(true);
    expect(gridRules(old)).toEqual([]);
    expect(plain(normsGridSpec(old)).title.subtitle.join(' ')).toContain("channel norms' axes unknown for up");
    expect(constraintText(old)).toBe("maxnorm:m=0.5,perchannel=1 (max=0.5, per output channel (a transposed convolution's: per input channel)) on up");
  });
});
