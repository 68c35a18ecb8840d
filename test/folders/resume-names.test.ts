/**
 * fitToFolder's resume of a model whose layers are left unnamed: TF.js names them by a count across
 * the process (`dense_Dense7`), so the model built again — in a new process, or after other models —
 * gets other names than the record has. Two builds in one process stand for the two processes (the
 * second build's counts are further on, as a process that built other models first). Training on under
 * the new names would mix them in the record: refused (ResumeNamesError, naming both, the folder
 * untouched), by checkResumeSettings too, and by `fit` continuing a record (`from`); names counted in
 * the model (attachToKernels' countNames) or given resume.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResumeMismatchError, ResumeNamesError } from '../../src/errors.ts';
import { checkResumeSettings, fitToFolder } from '../../src/folders/fit-to-folder.ts';
import { readRunRecord } from '../../src/formats/index.ts';
import { attachToKernels } from '../../src/penalties/index.ts';
import { tf } from '../../src/tf.ts';
import { fit } from '../../src/training/index.ts';
import { tinyX, tinyY } from '../fixtures/tiny-classifier.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-resume-names-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The tiny classifier, its layers named as given (`names`) or left to TF.js. */
const build = (names: readonly string[] = []): tf.Sequential =>
  tf.sequential({
    layers: [
      tf.layers.dense({
        units: 4,
        inputShape: [3],
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        ...(names[0] ? { name: names[0] } : {}),
      }),
      tf.layers.dense({
        units: 2,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }),
        ...(names[1] ? { name: names[1] } : {}),
      }),
    ],
  });
const data = { x: tinyX, y: tinyY };
const options = { batchSize: 16, loss: 'sparseCategoricalCrossentropy' as const, seed: 5, figures: false };
const layerNames = (dir: string) => readRunRecord(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'))).epochs.map((e) => e.layers.map((l) => l.name));

describe('fitToFolder resuming a model whose layers TF.js named', () => {
  it('refuses to train on under other names than the record’s, naming both, nothing written; a finished run is kept', async () => {
    const dir = join(root, 'unnamed');
    const first = build();
    await fitToFolder(first, data, { ...options, dir, epochs: 1 });
    const was = first.layers.map((l) => l.name);
    // Built again (as a new process that built other models first would): other names.
    const again = build();
    const now = again.layers.map((l) => l.name);
    expect(now).not.toEqual(was);
    const look = () => ({
      files: readdirSync(dir).sort(),
      record: readFileSync(join(dir, 'run.json'), 'utf8'),
      checkpoint: readFileSync(join(dir, 'checkpoint', 'run.json'), 'utf8'),
      weights: readFileSync(join(dir, 'checkpoint', 'model', 'weights.bin')),
    });
    const before = { ...look(), mtime: statSync(dir).mtimeMs };
    const renamed = [
      `${was[0]}/kernel → ${now[0]}/kernel`,
      `${was[0]}/bias → ${now[0]}/bias`,
      `${was[1]}/kernel → ${now[1]}/kernel`,
      `${was[1]}/bias → ${now[1]}/bias`,
    ];
    const refusal = new ResumeNamesError(dir, `${renamed.slice(0, 3).join(', ')}, and 1 more`);
    expect(refusal).toBeInstanceOf(ResumeMismatchError);
    expect(refusal.message).toContain(`otherwise than this model does: ${renamed[0]}, ${renamed[1]}, ${renamed[2]}, and 1 more;`);
    expect(() => checkResumeSettings(dir, again, { ...options, epochs: 2 }, { train: 32, validation: 0 })).toThrow(refusal);
    expect({ ...look(), mtime: statSync(dir).mtimeMs }).toEqual(before);
    // fitToFolder refuses it under the folder's lock (made and removed), the run's files as they were.
    await expect(fitToFolder(again, data, { ...options, dir, epochs: 2, resume: true })).rejects.toThrow(refusal);
    expect({ ...look(), mtime: before.mtime }).toEqual(before);
    // Nothing left to train: kept as it is, whatever the names.
    expect(() => checkResumeSettings(dir, again, { ...options, epochs: 1 }, { train: 32, validation: 0 })).not.toThrow();
    expect((await fitToFolder(again, data, { ...options, dir, epochs: 1, resume: true })).epochs).toHaveLength(1);
    again.dispose();
  }, 60_000);

  it('fit continuing a record (from, no folder) refuses it the same way; nothing left to train passes', async () => {
    const { figures: _, ...fitOptions } = options;
    const first = build();
    const record = await fit(first, data, { ...fitOptions, epochs: 1 });
    const again = build();
    const [was, now] = [first, again].map((m) => m.layers.map((l) => l.name)) as [string[], string[]];
    const renamed = `${was[0]}/kernel → ${now[0]}/kernel, ${was[0]}/bias → ${now[0]}/bias, ${was[1]}/kernel → ${now[1]}/kernel, and 1 more`;
    await expect(fit(again, data, { ...fitOptions, epochs: 2, from: record })).rejects.toThrow(new ResumeNamesError('the record continued (from)', renamed));
    expect((await fit(again, data, { ...fitOptions, epochs: 1, from: record })).epochs).toHaveLength(1);
    // The model the record was made with goes on.
    expect((await fit(first, data, { ...fitOptions, epochs: 2, from: record })).epochs).toHaveLength(2);
    first.dispose();
    again.dispose();
  }, 60_000);

  it('resumes names counted in the model (countNames) or given, every epoch under the same names', async () => {
    const counted = async () => attachToKernels(build(), { countNames: true });
    const given = async () => build(['hidden', 'out']);
    for (const [name, make] of [
      ['counted', counted],
      ['given', given],
    ] as const) {
      const dir = join(root, name);
      await fitToFolder(await make(), data, { ...options, dir, epochs: 1 });
      build().dispose(); // the counts move on, as in another process
      await fitToFolder(await make(), data, { ...options, dir, epochs: 2, resume: true });
      const [one, two] = layerNames(dir);
      expect(two).toEqual(one);
    }
    expect(layerNames(join(root, 'counted'))[0]).toEqual(['dense_Dense1', 'dense_Dense2']);
  }, 60_000);
});
