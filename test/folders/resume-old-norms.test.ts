/**
 * A resume of a record an older penx wrote (before records stated `normedAxes`, b85df35) must not
 * append epochs whose channel norms mean something else than its earlier ones: a reader reads a
 * layer's norms by one rule. A real run of a tiny model (a Conv2DTranspose `up` [2, 2, 3, 2], out 3 ≠
 * in 2; a Conv2D `mix` [1, 1, 3, 3], in = out) is made old as old-records.test's records are:
 * `normedAxes` and `madeBy` taken out, and, as a penx before Dec 4 2026 (456e407) wrote it, `up`'s
 * norms one per input channel (2, over axis=0+1+2; this penx takes 3, over axis=0+1+3). Such a
 * record is refused (ResumeNormsError, naming the layer and both readings; the folder untouched);
 * one whose norms are this penx's (a writer between 456e407 and b85df35) resumes, `mix` too, whose
 * axes it cannot tell (out = in) but every writer took alike. And a record whose writer classed a
 * weight otherwise (a custom `my_kernel` a kernel, an int32 weight trainable) is refused, each said.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResumeMismatchError, ResumeNormsError } from '../../src/errors.ts';
import { updateCheckpointRecord } from '../../src/folders/checkpoint.ts';
import { checkResumeSettings, fitToFolder } from '../../src/folders/fit-to-folder.ts';
import { trackOwned } from '../../src/folders/owner.ts';
import { readRunJson, writeRunJson } from '../../src/folders/records.ts';
import type { RunRecord, WeightsSnapshot } from '../../src/formats/index.ts';
import { tf } from '../../src/tf.ts';
import { fit } from '../../src/training/index.ts';
import buildIntLevels from '../fixtures/models/int-levels.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-resume-old-norms-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const build = (): tf.Sequential =>
  tf.sequential({
    layers: [
      tf.layers.conv2dTranspose({
        name: 'up',
        filters: 3,
        kernelSize: 2,
        inputShape: [3, 3, 2],
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      }),
      tf.layers.conv2d({ name: 'mix', filters: 3, kernelSize: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ name: 'out', units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
    ],
  });
const data = { x: tf.randomNormal([8, 3, 3, 2], 0, 1, 'float32', 4), y: tf.tensor1d([0, 1, 0, 1, 1, 0, 1, 0], 'int32') };
const options = { batchSize: 4, loss: 'sparseCategoricalCrossentropy' as const, seed: 5, figures: false };

/** `record` as a penx before b85df35 wrote it: no `normedAxes`, no `madeBy`; `before456e407`: `up`'s norms per input channel. */
function older(record: RunRecord, before456e407: boolean): RunRecord {
  const weights = record.config.weights.map(({ normedAxes: _, madeBy: __, ...w }) => w);
  const norms = (s: WeightsSnapshot) => s.norms.map((n) => (before456e407 && n.layer === 'up' ? { ...n, norms: [0.5, 0.75], mean: 0.625, max: 0.75 } : n));
  return {
    ...record,
    config: { ...record.config, weights },
    initial: { ...record.initial, norms: norms(record.initial) },
    epochs: record.epochs.map((e) => ({ ...e, norms: norms(e) })),
  };
}

/** Write `record` into the run folder `dir` (run.json and its checkpoint's), its manifest proving it penx's, as that penx wrote it. */
async function rewrite(dir: string, record: RunRecord): Promise<void> {
  const stop = trackOwned(dir, 'write');
  try {
    await writeRunJson(dir, record);
    await updateCheckpointRecord(dir, record);
  } finally {
    stop();
  }
}

const refusal = (where: string) =>
  new ResumeNormsError(where, 'up', 'of up/kernel [2, 2, 3, 2] over axis=0+1+2 (2 norms)', 'of up/kernel [2, 2, 3, 2] over axis=0+1+3 (3 norms)');

describe('a resume of a record an older penx wrote', () => {
  it("refuses one whose norms of a layer are not this penx's, nothing written; resumes one whose are", async () => {
    const dir = join(root, 'run');
    const model = build();
    const fresh = await fitToFolder(model, data, { ...options, dir, epochs: 1 });
    expect(fresh.config.weights.find((w) => w.name === 'up/kernel')?.normedAxes).toEqual([0, 1, 3]);
    const old = older(fresh, true);
    await rewrite(dir, old);
    const look = () => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => [f, f.endsWith('.json') ? readFileSync(join(dir, f), 'utf8') : '']);
    const before = look();
    const expected = refusal(dir);
    expect(expected).toBeInstanceOf(ResumeMismatchError);
    expect(expected.message).toContain(
      'its record holds the channel norms of up of up/kernel [2, 2, 3, 2] over axis=0+1+2 (2 norms), this penx takes them of up/kernel [2, 2, 3, 2] over axis=0+1+3 (3 norms);',
    );
    expect(() => checkResumeSettings(dir, model, { ...options, epochs: 2 }, { train: 8, validation: 0 })).toThrow(expected);
    await expect(fitToFolder(model, data, { ...options, dir, epochs: 2, resume: true })).rejects.toThrow(expected);
    expect(look()).toEqual(before);
    // Nothing left to train: kept as it is.
    expect((await fitToFolder(model, data, { ...options, dir, epochs: 1, resume: true })).epochs).toHaveLength(1);
    // fit continuing the record (no folder) refuses it alike.
    const { figures: _, ...fitOptions } = options;
    await expect(fit(model, data, { ...fitOptions, epochs: 2, from: readRunJson(dir) })).rejects.toThrow(refusal('the record continued (from)'));
    // Written between 456e407 and b85df35 (this penx's norms, unstated): resumed, each epoch's norms of up 3.
    const between = older(fresh, false);
    await rewrite(dir, between);
    const resumed = await fitToFolder(model, data, { ...options, dir, epochs: 2, resume: true });
    expect([resumed.initial, ...resumed.epochs].map((s) => s.norms.map((n) => `${n.layer}:${n.norms.length}`))).toEqual(
      Array(3).fill(['up:3', 'mix:3', 'out:2']),
    );
    model.dispose();
  }, 60_000);
});

describe('a resume of a record whose writer classed a weight otherwise', () => {
  it('is refused naming each weight, what the record says and what the model has, and what to do; nothing written', async () => {
    const dir = join(root, 'classed');
    const model = buildIntLevels([3, 3, 2], 2, { seed: 6 });
    const fresh = await fitToFolder(model, data, { ...options, dir, epochs: 1 });
    // As a penx before Dec 7 2026 (67bb378) classed x/my_kernel, and one before this fix an int32 weight.
    const weights = fresh.config.weights.map((w) =>
      w.name === 'levels/my_kernel' ? { ...w, kind: 'kernel' as const } : w.name === 'levels/levels' ? { ...w, trainable: true } : w,
    );
    await rewrite(dir, { ...fresh, config: { ...fresh.config, weights } });
    const look = () => readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => [f, f.endsWith('.json') ? readFileSync(join(dir, f), 'utf8') : '']);
    const before = look();
    const said =
      /^cannot resume .*classed: its record states the model's weights otherwise than this model has them \(record → this model\): levels\/my_kernel: kind kernel → other; levels\/levels: trainable true → false; nothing was written; the penx that wrote the record classed these weights otherwise .*; finish the run with the penx that began it, or start it over with this one$/;
    expect(() => checkResumeSettings(dir, model, { ...options, epochs: 2 }, { train: 8, validation: 0 })).toThrow(said);
    await expect(fitToFolder(model, data, { ...options, dir, epochs: 2, resume: true })).rejects.toThrow(said);
    expect(look()).toEqual(before);
    model.dispose();
  }, 60_000);
});
