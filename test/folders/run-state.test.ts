/** Where a run folder stands (src/folders/run-state.ts), from the records a run leaves after each epoch. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.ts';
import { readRunFile, runFolderState } from '../../src/folders/index.ts';
import type { RunRecord } from '../../src/formats/index.ts';
import { recordsFolder } from '../fixtures/run-folder-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-run-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const runFolder = (name: string, recorded?: number, checkpointed?: number) => recordsFolder(root, name, recorded, checkpointed);

describe('runFolderState', () => {
  it('done when run.json holds every epoch, with its checkpoint or without (removed once the run was done)', () => {
    expect(runFolderState(runFolder('done', 2, 2), 2)).toMatchObject({ state: 'done', checkpoint: true });
    expect(runFolderState(runFolder('done-bare', 3), 2)).toMatchObject({ state: 'done', checkpoint: false, record: { epochs: { length: 3 } } });
  });

  it("partial with a checkpoint, after the checkpoint's epochs: killed between the checkpoint and run.json, run.json is one behind", () => {
    expect(runFolderState(runFolder('between', 0, 1), 2)).toMatchObject({ state: 'partial', epochs: 1 });
    const noRecord = runFolder('no-record', undefined, 1);
    // The checkpoint's record as read (a resume continues from it without reading it again).
    expect(runFolderState(noRecord, 2)).toEqual({ state: 'partial', epochs: 1, checkpointRecord: readRunFile(join(noRecord, 'checkpoint', 'run.json')) });
    expect(runFolderState(runFolder('partial', 1, 1), 3)).toMatchObject({ state: 'partial', epochs: 1 });
    // The last epoch's checkpoint written, run.json not yet: still to be brought in line.
    expect(runFolderState(runFolder('last-between', 1, 2), 2)).toMatchObject({ state: 'partial', epochs: 2 });
    // A run.json that is not a record: the checkpoint's record rewrites it on resume; without a checkpoint, a DataError.
    const garbled = runFolder('garbled', 1, 1);
    writeFileSync(join(garbled, 'run.json'), '{"format": "nonsense"');
    expect(runFolderState(garbled, 2)).toEqual({ state: 'partial', epochs: 1, checkpointRecord: readRunFile(join(garbled, 'checkpoint', 'run.json')) });
    const lost = runFolder('garbled-bare', 1);
    writeFileSync(join(lost, 'run.json'), '{"format": "nonsense"');
    expect(() => runFolderState(lost, 2)).toThrow(DataError);
  });

  it('done when a callback ended the run (endedEarly) before the epochs it was started for; partial when asked for more', () => {
    const dir = runFolder('ended-early', 2, 2);
    const r = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunRecord;
    const ended = { ...r, config: { ...r.config, epochs: 5 }, endedEarly: { epoch: 2, reason: 'a callback stopped training after epoch 2' } };
    writeFileSync(join(dir, 'run.json'), JSON.stringify(ended));
    writeFileSync(join(dir, 'checkpoint', 'run.json'), JSON.stringify(ended));
    // Before, a resume (or a sweep) went on to train epochs 3–5, which the callback had chosen not to.
    expect(runFolderState(dir, 5)).toMatchObject({ state: 'done', checkpoint: true, record: { epochs: { length: 2 } } });
    expect(runFolderState(dir, 8)).toMatchObject({ state: 'partial', epochs: 2 });
  });

  it('stranded with fewer epochs than asked for and no checkpoint; new with no finished epoch', () => {
    expect(runFolderState(runFolder('stranded', 2), 4)).toMatchObject({ state: 'stranded', record: { epochs: { length: 2 } } });
    expect(runFolderState(runFolder('first-epoch', 0), 2)).toMatchObject({ state: 'new' });
    expect(runFolderState(join(root, 'absent'), 2)).toEqual({ state: 'new' });
  });
});

describe('a resume with other settings', () => {
  it('names a setting given on one side only as none (it printed "undefined")', async () => {
    const { ResumeMismatchError } = await import('../../src/index.ts');
    expect(new ResumeMismatchError('runs/a', 'constraint', 'maxnorm:m=2,axis=0', undefined).message).toBe(
      `cannot resume runs/a: its constraint is "maxnorm:m=2,axis=0", this run's is none; use the same settings, or start it over`,
    );
    expect(new ResumeMismatchError('runs/a', 'grad', undefined, 'dense_1:zero').message).toMatch(/its grad is none, this run's is "dense_1:zero"/);
  });
});

describe('a record that is not JSON', () => {
  it("is named in a one-line message, the file's control characters escaped", () => {
    const file = join(root, 'garbage.json');
    writeFileSync(file, 'x\n\u001b[31mred\n');
    let message = '';
    try {
      readRunFile(file);
    } catch (err) {
      expect(err).toBeInstanceOf(DataError);
      message = (err as Error).message;
    }
    expect(message).toContain(`${file}: cannot be read as a run record (Unexpected token`);
    expect(message).toContain('\\n\\u001b[31mred');
    expect([...message].some((c) => c < ' ')).toBe(false);
  });
});

describe('resumeState', () => {
  it('refuses a resume for fewer epochs than run.json or the checkpoint holds; the same number or more is the state as found', async () => {
    const { ResumeEpochsError } = await import('../../src/errors.ts');
    const { resumeState } = await import('../../src/folders/index.ts');
    expect(() => resumeState(runFolder('ahead', 3, 3), 1)).toThrow(ResumeEpochsError);
    expect(() => resumeState(runFolder('ahead-bare', 3), 2)).toThrow(
      /it has 3 finished epochs, more than the 2 asked for; nothing was changed; ask for 3 epochs/,
    );
    // Killed between the checkpoint and run.json: the checkpoint's epochs count.
    expect(() => resumeState(runFolder('ahead-between', 1, 2), 1)).toThrow(/it has 2 finished epochs, more than the 1 asked for/);
    expect(resumeState(runFolder('same', 2, 2), 2)).toMatchObject({ state: 'done' });
    expect(resumeState(runFolder('more', 2, 2), 4)).toMatchObject({ state: 'partial', epochs: 2 });
    expect(resumeState(join(root, 'absent-resume'), 2)).toEqual({ state: 'new' });
  });
});
