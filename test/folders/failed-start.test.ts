/**
 * An error after a run folder is claimed (made, locked, marked) but before its first run.json — a
 * user's monitor throwing at the epoch-0 snapshot, say — leaves nothing half-written: a folder this
 * call made, holding only the marker it wrote, is removed (with the folders made for it), and the
 * error is the one thrown. A folder that was there before is never removed: an empty one given, one
 * forced (emptied by the claim, as always) or resumed.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserCodeError } from '../../src/errors.ts';
import { claimFolder } from '../../src/folders/folder.ts';
import { fitToFolder } from '../../src/folders/index.ts';
import { MARKER_FILE } from '../../src/formats/index.ts';
import type { Monitor } from '../../src/monitor/index.ts';
import type { tf } from '../../src/tf.ts';
import { tinyClassifier, tinyX, tinyY } from '../fixtures/tiny-classifier.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-failed-start-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A monitor that throws at the untrained model's snapshot (epoch 0). */
const throwsAtStart: Monitor = {
  name: 'throwsAtStart',
  onEpochEnd: ({ epoch }) => {
    if (epoch === 0) throw new Error('no section for epoch 0');
    return {};
  },
};
const OPTIONS = {
  epochs: 1,
  batchSize: 16,
  loss: 'sparseCategoricalCrossentropy' as const,
  validationData: [tinyX, tinyY] as [tf.Tensor, tf.Tensor],
  monitors: [throwsAtStart],
  figures: false,
};

describe('a run that fails before its first run.json', () => {
  it('removes the folder it made (and the folders made for it), the error as thrown', async () => {
    const out = join(root, 'made', 'runs');
    const dir = join(out, 'r');
    const m = tinyClassifier();
    const err = await fitToFolder(m, { x: tinyX, y: tinyY }, { ...OPTIONS, dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserCodeError);
    expect((err as Error).message).toContain("monitor 'throwsAtStart'");
    expect((err as Error).message).toContain('no section for epoch 0');
    expect(existsSync(dir)).toBe(false);
    // runs/ was made for it too, and is empty: gone; made/ existed no more than it did.
    expect(existsSync(join(root, 'made'))).toBe(false);
    m.dispose();
  });

  it('keeps a folder that was there before: an empty one given (its marker stays), one forced or resumed', async () => {
    const given = join(root, 'given');
    mkdirSync(given);
    const m = tinyClassifier();
    await expect(fitToFolder(m, { x: tinyX, y: tinyY }, { ...OPTIONS, dir: given })).rejects.toThrow(UserCodeError);
    expect(readdirSync(given)).toEqual([MARKER_FILE]);
    // Forced and resumed: a run folder of the tool's with a user's file in it; never removed.
    writeFileSync(join(given, 'notes.txt'), 'mine');
    for (const policy of [{ force: true }, { resume: true }]) {
      await expect(fitToFolder(m, { x: tinyX, y: tinyY }, { ...OPTIONS, dir: given, ...policy })).rejects.toThrow(UserCodeError);
      expect(readdirSync(given).sort()).toEqual([MARKER_FILE, 'notes.txt']);
    }
    m.dispose();
  });

  it('abandon removes only a folder the claim made and marked, holding nothing else', () => {
    const dir = join(root, 'claims', 'c');
    const made = claimFolder(dir, {}, 'run');
    expect(made.abandon()).toBe(true);
    expect(existsSync(join(root, 'claims'))).toBe(false);
    // Something written meanwhile: released, kept.
    const written = claimFolder(dir, {}, 'run');
    writeFileSync(join(dir, 'x.txt'), '1');
    expect(written.abandon()).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([MARKER_FILE, 'x.txt']);
    // There before (now the tool's, empty of content): released, kept; its lock gone either way.
    rmSync(join(dir, 'x.txt'));
    const before = claimFolder(dir, {}, 'run');
    expect(before.abandon()).toBe(false);
    expect(readdirSync(dir)).toEqual([MARKER_FILE]);
  });
});
