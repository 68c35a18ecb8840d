/**
 * A finished run with its checkpoint, resumed for the epochs it has: the folder is brought in line
 * with the checkpoint (run.json, figures, report), and no epoch is trained, so its record gains no
 * session (a session says where epochs were trained; it gained one from the last epoch, training none).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ResumeMismatchError } from '../../src/errors.ts';
import { fitToFolder } from '../../src/folders/fit-to-folder.ts';
import { readRunRecord } from '../../src/formats/index.ts';
import { tinyClassifier, tinyX, tinyY } from '../fixtures/tiny-classifier.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-resume-finished-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a finished run resumed for the epochs it has', () => {
  it('keeps its epochs and sessions; asked for more, it gains the session that trains them', async () => {
    const dir = join(root, 'run');
    const options = { dir, batchSize: 16, loss: 'sparseCategoricalCrossentropy' as const, seed: 5, figures: false };
    const run = () => readRunRecord(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')));
    await fitToFolder(tinyClassifier(), { x: tinyX, y: tinyY }, { ...options, epochs: 2 });
    const before = run();
    expect(before.sessions).toHaveLength(1);
    const again = await fitToFolder(tinyClassifier(), { x: tinyX, y: tinyY }, { ...options, epochs: 2, resume: true });
    expect(again.epochs).toEqual(before.epochs);
    expect(again.sessions).toEqual(before.sessions);
    expect(run().sessions).toEqual(before.sessions);
    const longer = await fitToFolder(tinyClassifier(), { x: tinyX, y: tinyY }, { ...options, epochs: 3, resume: true });
    expect(longer.sessions?.map((s) => s.fromEpoch)).toEqual([0, 2]);
  }, 60_000);

  it('on another backend: kept as it is (no step runs there); asked for more epochs, refused (a run resumes on its own backend)', async () => {
    const dir = join(root, 'other-backend');
    const options = { dir, batchSize: 16, loss: 'sparseCategoricalCrossentropy' as const, seed: 5, figures: false, info: { backend: 'onnxruntime' } };
    const first = await fitToFolder(tinyClassifier(), { x: tinyX, y: tinyY }, { ...options, epochs: 1 });
    const elsewhere = { ...options, info: { backend: 'cpu' }, resume: true };
    const kept = await fitToFolder(tinyClassifier(), { x: tinyX, y: tinyY }, { ...elsewhere, epochs: 1 });
    expect(kept.epochs).toEqual(first.epochs);
    expect(kept.config.backend).toBe('onnxruntime');
    await expect(fitToFolder(tinyClassifier(), { x: tinyX, y: tinyY }, { ...elsewhere, epochs: 2 })).rejects.toThrow(ResumeMismatchError);
  }, 60_000);
});
