/**
 * A stop (the `signal`, Ctrl-C or SIGTERM on the command line) that comes while the prune curve of
 * a run a callback ended is measured (its end-of-run curve): the run ends with that epoch anyway,
 * so the curve is measured to the end and the epoch written, run.json and the checkpoint ended
 * there; fitToFolder then stops (InterruptedError) and a resume keeps the run as it is. Before, the
 * stop came first: the checkpoint stayed one epoch back, and a resume trained that epoch again (and
 * went on past it: a new process's callback does not stop where the first one did).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/errors.ts';
import { fitToFolder } from '../../src/folders/fit-to-folder.ts';
import { readRunRecord } from '../../src/formats/index.ts';
import { tf } from '../../src/tf.ts';
import type { FitCallback } from '../../src/training/index.ts';
import { tinyClassifier, tinyX, tinyY } from '../fixtures/tiny-classifier.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-ended-stop-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const model = tinyClassifier;
const [x, y] = [tinyX, tinyY];
const OPTIONS = {
  epochs: 5,
  batchSize: 16,
  loss: 'sparseCategoricalCrossentropy' as const,
  validationData: [x, y] as [tf.Tensor, tf.Tensor],
  seed: 5,
  prune: true,
  // Only the records are checked: no figures (drawing them was most of this file's time).
  figures: false,
};
const readRecord = (file: string) => readRunRecord(JSON.parse(readFileSync(file, 'utf8')));

/** Stops training after epoch 2: one of TF.js's callbacks (model.stopTraining, epochs from 0), or one of this library's. */
const stoppers = {
  "TF.js's": (m: tf.LayersModel) =>
    new tf.CustomCallback({
      onEpochEnd: async (epoch: number) => {
        if (epoch === 1) m.stopTraining = true;
      },
    }),
  "this library's": (m: tf.LayersModel): FitCallback => ({
    onEpochEnd: (epoch: number) => {
      if (epoch === 2) m.stopTraining = true;
    },
  }),
};

describe('a stop while the end-of-run prune curve of a run a callback ended is measured', () => {
  it.each(Object.keys(stoppers) as Array<keyof typeof stoppers>)(
    'ended by %s callback: the epoch written with its curve, the checkpoint there, then stopped; a resume keeps it',
    async (which) => {
      const dir = join(root, which.replace(/\W/g, ''));
      const m = model();
      const controller = new AbortController();
      // The stop comes as the curve after epoch 2 (the end-of-run one: 2 is not the last of 5) is measured.
      const stopDuringCurve: FitCallback = {
        onPruneProgress: ({ epoch }) => {
          if (epoch === 2) controller.abort();
        },
      };
      const err = await fitToFolder(m, { x, y }, { ...OPTIONS, dir, signal: controller.signal, callbacks: [stoppers[which](m), stopDuringCurve] }).catch(
        (e: unknown) => e,
      );
      m.dispose();
      expect(err).toBeInstanceOf(InterruptedError);
      const [run, checkpoint] = [readRecord(join(dir, 'run.json')), readRecord(join(dir, 'checkpoint', 'run.json'))];
      expect(checkpoint.epochs.map((e) => e.epoch)).toEqual([1, 2]);
      expect(checkpoint.endedEarly?.epoch).toBe(2);
      expect(checkpoint.epochs[1]?.prune?.global[0]?.level).toBe(0);
      expect(run).toEqual(checkpoint);

      const notes: string[] = [];
      const again = model();
      const resumed = await fitToFolder(again, { x, y }, { ...OPTIONS, dir, resume: true, onNote: (n) => notes.push(n) });
      again.dispose();
      expect(resumed.epochs.map((e) => e.epoch)).toEqual([1, 2]);
      expect(notes.join('\n')).toMatch(/ended early by a callback after epoch 2\): kept as it is/);
    },
    60_000,
  );
});
