/**
 * A finished run with its checkpoint, resumed for the epochs it has: the folder is brought in line
 * with the checkpoint (run.json, figures, report), and no epoch is trained, so its record gains no
 * session (a session says where epochs were trained; it gained one from the last epoch, training none).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointMissingError, ResumeMismatchError } from '../../src/errors.ts';
import { checkResumeSettings, fitToFolder } from '../../src/folders/fit-to-folder.ts';
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

describe('checkResumeSettings: a resume compared with its record before anything is built or touched', () => {
  it('passes the same settings (on any backend), refuses another seed or size as fitToFolder would, a stranded run too; the folder untouched', async () => {
    const dir = join(root, 'compared');
    const options = { batchSize: 16, loss: 'sparseCategoricalCrossentropy' as const, seed: 5, info: { backend: 'onnxruntime' } };
    await fitToFolder(tinyClassifier(), { x: tinyX, y: tinyY }, { ...options, dir, figures: false, epochs: 1 });
    const look = () => ({ files: readdirSync(dir).sort(), mtime: statSync(dir).mtimeMs, record: readFileSync(join(dir, 'run.json'), 'utf8') });
    const before = look();
    const sizes = { train: 32, validation: 0 };
    // Two epochs asked of one: the run would train on. The backend is not compared (none started yet).
    expect(() => checkResumeSettings(dir, tinyClassifier(), { ...options, epochs: 2, info: { backend: 'cpu' } }, sizes)).not.toThrow();
    expect(() => checkResumeSettings(dir, tinyClassifier(), { ...options, epochs: 2, seed: 6 }, sizes)).toThrow(new ResumeMismatchError(dir, 'seed', 5, 6));
    expect(() => checkResumeSettings(dir, tinyClassifier(), { ...options, epochs: 2 }, { train: 16, validation: 0 })).toThrow(
      /its trainSize is 32, this run's is 16/,
    );
    expect(() => checkResumeSettings(join(root, 'nothing-here'), tinyClassifier(), { ...options, epochs: 2, seed: 6 }, sizes)).not.toThrow();
    expect(look()).toEqual(before);
    // Its checkpoint removed (the record kept): training on is refused as fitToFolder refuses it.
    rmSync(join(dir, 'checkpoint'), { recursive: true });
    expect(() => checkResumeSettings(dir, tinyClassifier(), { ...options, epochs: 2 }, sizes)).toThrow(CheckpointMissingError);
  }, 60_000);
});
