/**
 * The conformance suite: every model of the table (cases.ts), trained by `fit` a few steps. For each:
 *
 *   - the record's per-weight statistics (counts, zeros, histogram bins) equal the model's weights,
 *     recomputed here; "all weights" are the trainable ones, the others apart
 *   - every penalty is attributed to its weight (spec) and `penaltyLoss` equals the penalties
 *     computed here by hand from the weights, and the sum of the per-weight terms
 *   - every constraint holds after every step (checked by hand on the weights)
 *   - two runs with the same seed end bit-identical
 *   - for the representative `heavy` few: a run resumed from its folder ends bit-identical to an
 *     uninterrupted one, and its figures and report are drawn
 *
 * and where TF.js itself (or the library) cannot do something, the clear error. Small models, two
 * epochs of two batches: the whole table runs in well under a minute.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type FitCallback, fit, fitToFolder, type RunRecord, snapshots, tf, type WeightStats } from '../../src/node.ts';
import { CASES, type ModelCase, REFUSED } from './cases.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-models-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const OPTIONS = { epochs: 2, batchSize: 8, optimizer: 'adam:lr=0.02', seed: 11 } as const;

/** The initial weights of each case, fixed once, so every build of it starts the same. */
const initial = new Map<string, tf.Tensor[]>();
function build(c: ModelCase): tf.LayersModel {
  const m = c.build();
  if (!initial.has(c.name))
    initial.set(
      c.name,
      m.getWeights().map((w) => tf.keep(w.clone())),
    );
  m.setWeights(initial.get(c.name)!);
  return m;
}

const bits = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(new Uint32Array(new Float32Array(w.dataSync()).buffer)));
const valuesOf = (lv: tf.LayerVariable) => new Float32Array(lv.read().dataSync());

/** Checks every constraint of the case after every batch; the worst violation seen. */
function constraintWatch(c: ModelCase): { callback: FitCallback; worst: () => Record<string, number> } {
  const worst: Record<string, number> = {};
  return {
    callback: {
      onBatchEnd: (_p, { model }) => {
        for (const k of c.constraints) {
          const ws = model.weights.filter((w) => k.weight.test(w.originalName));
          expect(ws.length, `${k.weight} names one weight`).toBe(1);
          const w = ws[0]!;
          worst[w.originalName] = Math.max(worst[w.originalName] ?? 0, k.holds(valuesOf(w), w.shape as number[]));
        }
      },
    },
    worst: () => worst,
  };
}

/** The record's statistics of a weight in a snapshot, wherever it is (trainable or not). */
function statsOf(s: RunRecord['initial'], name: string): WeightStats | undefined {
  return [...s.layers, ...(s.nonTrainable?.layers ?? [])].flatMap((l) => l.weights ?? []).find((w) => w.name === name);
}

/** 100 bins over [−1, 1], counted here. */
function binCounts(w: Float32Array): { counts: number[]; below: number; above: number; zeros: number } {
  const counts = new Array<number>(100).fill(0);
  let [below, above, zeros] = [0, 0, 0];
  for (const v of w) {
    if (v === 0) zeros++;
    if (v < -1) below++;
    else if (v > 1) above++;
    else counts[Math.min(99, Math.floor((v + 1) * 50))]! += 1;
  }
  return { counts, below, above, zeros };
}

describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  let record: RunRecord;
  let model: tf.LayersModel;

  it('trains; the record is exactly the model’s weights, its penalties and constraints', async () => {
    model = build(c);
    const watch = constraintWatch(c);
    record = await fit(model, c.data(), {
      ...OPTIONS,
      ...(c.loss ? { loss: c.loss } : { loss: 'sparseCategoricalCrossentropy' }),
      callbacks: [watch.callback],
    });
    const last = record.epochs.at(-1)!;

    // Every weight: its statistics as counted here; trainable ones among "all weights", the others apart.
    const trainable = new Set(model.trainableWeights.map((w) => w.originalName));
    let [inAll, apart] = [0, 0];
    for (const lv of model.weights) {
      const w = valuesOf(lv);
      const s = statsOf(last, lv.originalName);
      expect(s, `${lv.originalName} recorded`).toBeDefined();
      const mine = binCounts(w);
      expect([s!.histogram.count, s!.histogram.zeros, s!.histogram.below, s!.histogram.above], lv.originalName).toEqual([
        w.length,
        mine.zeros,
        mine.below,
        mine.above,
      ]);
      expect(
        s!.histogram.density.map((d) => Math.round(d * w.length * 0.02)),
        lv.originalName,
      ).toEqual(mine.counts);
      expect(s!.trainable).toBe(trainable.has(lv.originalName));
      if (trainable.has(lv.originalName)) inAll += w.length;
      else apart += w.length;
    }
    expect(last.histogram.count).toBe(inAll);
    expect(last.nonTrainable?.count ?? 0).toBe(apart);

    // Attribution: exactly the case's penalised and constrained weights, with their specs.
    const config = Object.fromEntries(record.config.weights.map((w) => [w.name, w]));
    const penalised = Object.entries(config)
      .filter(([, w]) => w.penalty)
      .map(([n]) => n)
      .sort();
    expect(penalised).toEqual(c.penalties.flatMap((p) => Object.keys(config).filter((n) => p.weight.test(n))).sort());
    for (const p of c.penalties) for (const [n, w] of Object.entries(config)) if (p.weight.test(n)) expect(w.penalty!.spec, n).toBe(p.spec);
    const constrained = Object.entries(config)
      .filter(([, w]) => w.constraint)
      .map(([n]) => n)
      .sort();
    expect(constrained).toEqual(c.constraints.flatMap((k) => Object.keys(config).filter((n) => k.weight.test(n))).sort());
    for (const k of c.constraints) for (const [n, w] of Object.entries(config)) if (k.weight.test(n)) expect(w.constraint!.spec, n).toBe(k.spec);

    // penaltyLoss: by hand from the weights, and the sum of the per-weight terms, at every snapshot's end (here the last).
    const byHand = c.penalties.reduce(
      (s, p) => s + model.weights.filter((w) => p.weight.test(w.originalName)).reduce((t, w) => t + p.byHand(valuesOf(w)), 0),
      0,
    );
    expect(last.penaltyLoss).toBeGreaterThan(0);
    expect(Math.abs(last.penaltyLoss - byHand)).toBeLessThanOrEqual(1e-5 * byHand + 1e-9);
    for (const s of snapshots(record)) {
      const terms = [...s.layers, ...(s.nonTrainable?.layers ?? [])].flatMap((l) => l.weights ?? []).reduce((t, w) => t + (w.penalty ?? 0), 0);
      expect(s.penaltyLoss).toBeCloseTo(terms, 10);
    }

    // Every constraint held after every step.
    const worst = watch.worst();
    expect(Object.keys(worst).length).toBe(c.constraints.reduce((n, k) => n + model.weights.filter((w) => k.weight.test(w.originalName)).length, 0));
    for (const [name, v] of Object.entries(worst)) expect(v, name).toBe(0);
  });

  it('two runs with the same seed end bit-identical', async () => {
    const again = build(c);
    await fit(again, c.data(), { ...OPTIONS, ...(c.loss ? { loss: c.loss } : { loss: 'sparseCategoricalCrossentropy' }) });
    expect(bits(again)).toEqual(bits(model));
  });

  it.runIf(c.heavy === true)(
    'resumed from its folder it ends bit-identical to an uninterrupted run; its figures and report are drawn',
    async () => {
      const options = { ...OPTIONS, ...(c.loss ? { loss: c.loss } : { loss: 'sparseCategoricalCrossentropy' as const }), validationData: c.data() };
      const dir = (name: string) => join(root, c.name.replace(/\W+/g, '_'), name);
      const whole = build(c);
      const wr = await fitToFolder(whole, c.data(), { ...options, dir: dir('whole') });
      await fitToFolder(build(c), c.data(), { ...options, dir: dir('parts'), epochs: 1, figures: false });
      const resumed = build(c);
      await fitToFolder(resumed, c.data(), { ...options, dir: dir('parts'), resume: true, figures: false });
      expect(bits(resumed)).toEqual(bits(whole));
      expect(bits(whole)).toEqual(bits(model));
      // The figures and the report of the uninterrupted run.
      for (const f of ['epoch-000.png', 'epoch-002.png', 'histograms.png', 'norms.png', 'curves.png', 'penalty.png', 'report.html']) {
        expect(existsSync(join(dir('whole'), f)), f).toBe(true);
        expect(statSync(join(dir('whole'), f)).size, f).toBeGreaterThan(1000);
      }
      const report = readFileSync(join(dir('whole'), 'report.html'), 'utf8');
      for (const w of wr.config.weights.filter((x) => x.penalty)) expect(report).toContain(w.penalty!.spec.split(':')[0]);
    },
    120_000,
  );
});

describe('where TF.js or the library cannot, a clear error', () => {
  it.each(REFUSED.map((r) => [r.name, r] as const))('%s', async (_name, r) => {
    await expect(r.run()).rejects.toThrow(r.error);
  });
});
