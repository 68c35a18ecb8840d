/**
 * An error after a run folder is claimed (made, locked, marked) but before its first run.json — a
 * user's monitor throwing at the epoch-0 snapshot, say — leaves nothing half-written: a folder this
 * call made, holding only the marker it wrote, is removed (with the folders made for it), and the
 * error is the one thrown. A folder that was there before is never removed: an empty one given, one
 * forced (emptied by the claim, as always) or resumed. The removed folder's line in its parent's
 * manifest goes too when the claim wrote it (a removal line appended, so a sweep's folder shared by
 * processes loses no line), so a later force of the comparison or sweep never deletes a user's
 * folder of that name; nor does a line an older version left there (the folder has no marker).
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { UserCodeError } from '../../src/errors.ts';
import { claimFolder, openFolder } from '../../src/folders/folder.ts';
import { fitToFolder } from '../../src/folders/index.ts';
import { noteOwned, ownedEntries, ownedPresent, removeOwned } from '../../src/folders/owner.ts';
import { MARKER_FILE } from '../../src/formats/index.ts';
import { replaceDirAtomic, writeFileAtomic } from '../../src/io/index.ts';
import type { Monitor } from '../../src/monitor/index.ts';
import type { tf } from '../../src/tf.ts';
import { tinyClassifier, tinyX, tinyY } from '../fixtures/tiny-classifier.ts';

/**
 * While `before` is set, it is called with each path `rmSync` is given, before that path is removed:
 * what another process does while a deletion runs, at a point of it the test chooses (not a race).
 */
const rmHook = vi.hoisted(() => ({ before: undefined as ((path: string) => void) | undefined }));
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  const rmSync: typeof fs.rmSync = (path, options) => {
    rmHook.before?.(String(path));
    fs.rmSync(path, options);
  };
  return { ...fs, rmSync };
});

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

  it("takes the line it wrote out of a locked parent's manifest: a later force keeps a user's folder of that name", async () => {
    const parent = join(root, 'compare');
    const comparison = claimFolder(parent, {}, 'comparison');
    const m = tinyClassifier();
    // A first run that succeeded, then one that fails at the untrained weights.
    claimFolder(join(parent, 'none'), {}, 'run').release();
    await expect(fitToFolder(m, { x: tinyX, y: tinyY }, { ...OPTIONS, dir: join(parent, 'l1') })).rejects.toThrow(UserCodeError);
    expect(existsSync(join(parent, 'l1'))).toBe(false);
    expect(ownedEntries(parent)).toEqual(['none']);
    // A line that was there before the claim is not the claim's: it stays.
    noteOwned(parent, 'l2');
    await expect(fitToFolder(m, { x: tinyX, y: tinyY }, { ...OPTIONS, dir: join(parent, 'l2') })).rejects.toThrow(UserCodeError);
    expect(existsSync(join(parent, 'l2'))).toBe(false);
    expect(ownedEntries(parent)).toEqual(['none', 'l2']);
    comparison.release();
    // The user's own folder under the failed run's name is no longer the tool's to delete.
    mkdirSync(join(parent, 'l1'));
    writeFileSync(join(parent, 'l1', 'notes.txt'), 'mine');
    expect(removeOwned(parent)).toEqual({ removed: ['none'], kept: ['l1'], unproven: [] });
    expect(readdirSync(join(parent, 'l1'))).toEqual(['notes.txt']);
    m.dispose();
  });

  it("takes its line out of a sweep's manifest, shared by processes, by appending: a line added meanwhile stays", async () => {
    const sweep = join(root, 'sweep');
    const stop = openFolder(sweep, 'sweep');
    const m = tinyClassifier();
    // Another process of the sweep lists its run while this one fails (its monitor appends at epoch 0).
    const other: Monitor = {
      name: 'other',
      onEpochEnd: ({ epoch }) => {
        if (epoch === 0) noteOwned(sweep, 'other');
        return {};
      },
    };
    const options = { ...OPTIONS, monitors: [other, throwsAtStart] };
    await expect(fitToFolder(m, { x: tinyX, y: tinyY }, { ...options, dir: join(sweep, 'r') })).rejects.toThrow(UserCodeError);
    expect(existsSync(join(sweep, 'r'))).toBe(false);
    expect(ownedEntries(sweep)).toEqual(['other']);
    expect(readFileSync(join(sweep, MARKER_FILE), 'utf8').split('\n').slice(1)).toEqual(['"r"', '"other"', '{"removed":"r"}', '']);
    // The user's folder made there since is not the tool's: not listed, not deleted.
    mkdirSync(join(sweep, 'r'));
    writeFileSync(join(sweep, 'r', 'notes.txt'), 'mine');
    expect(ownedPresent(sweep)).toEqual([]);
    // A run of that name trained later is listed again.
    rmSync(join(sweep, 'r'), { recursive: true });
    claimFolder(join(sweep, 'r'), {}, 'run').release();
    expect(ownedEntries(sweep)).toEqual(['other', 'r']);
    stop();
    m.dispose();
  });

  it("a sweep's deletion never rewrites its manifest: a line another process appends while it runs (a run of the sweep listing itself) stays", async () => {
    const sweep = join(root, 'shared-sweep');
    const stop = openFolder(sweep, 'sweep');
    await writeFileAtomic(join(sweep, 'sweep.json'), '{}');
    for (let i = 0; i < 3; i++) {
      const run = claimFolder(join(sweep, `r${i}`), {}, 'run');
      await writeFileAtomic(join(sweep, `r${i}`, 'run.json'), `${i}`);
      run.release();
    }
    stop();
    const manifest = join(sweep, MARKER_FILE);
    // Before each entry of the sweep is deleted, another process appends a line (a shell's `>>`: O_APPEND, as noteOwned does).
    let appended = 0;
    rmHook.before = (path) => {
      if (dirname(path) === sweep) execFileSync('/bin/sh', ['-c', 'printf \'%s\\n\' "$1" >> "$2"', 'sh', JSON.stringify(`other${appended++}`), manifest]);
    };
    let removed: string[];
    try {
      removed = removeOwned(sweep).removed;
    } finally {
      rmHook.before = undefined;
    }
    expect(removed.sort()).toEqual(['r0', 'r1', 'r2', 'sweep.json']);
    // Lines were appended while it ran, and every one stays: other0, other1, … in order.
    expect(appended).toBe(4);
    expect(ownedEntries(sweep)).toEqual(['other0', 'other1', 'other2', 'other3']);
  });

  it("a line an older version left for a removed run is no proof: a folder there without a marker is kept and not listed (a run's own unmarked folders are)", async () => {
    const sweep = join(root, 'old-sweep');
    const stop = openFolder(sweep, 'sweep');
    claimFolder(join(sweep, 'r1'), {}, 'run').release();
    await writeFileAtomic(join(sweep, 'sweep.json'), '{}');
    stop();
    // The line a claim wrote before this fix, its run since removed, and a user's folder in its place.
    appendFileSync(join(sweep, MARKER_FILE), '"r2"\n');
    mkdirSync(join(sweep, 'r2'));
    writeFileSync(join(sweep, 'r2', 'notes.txt'), 'mine');
    expect(ownedPresent(sweep)).toEqual(['r1', 'sweep.json']);
    expect(removeOwned(sweep)).toEqual({ removed: ['r1', 'sweep.json'], kept: ['r2'], unproven: [] });
    expect(readFileSync(join(sweep, 'r2', 'notes.txt'), 'utf8')).toBe('mine');
    // In a run, the folders the tool writes carry no marker (its checkpoint): they are its own while
    // they hold what it wrote (the tree digest it announced before the folder appeared).
    const run = join(root, 'old-run');
    const claim = claimFolder(run, {}, 'run');
    await replaceDirAtomic(join(run, 'checkpoint'), (tmp) => writeFileAtomic(join(tmp, 'run.json'), '{}'));
    claim.release();
    expect(removeOwned(run)).toEqual({ removed: ['checkpoint'], kept: [], unproven: [] });
  });
});
