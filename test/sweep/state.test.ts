/** Where a sweep's run folder stands (sweep-state.ts), from the files a run leaves after each epoch. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runState } from '../../mnist-demo/experiment/sweep-state.ts';
import { recordsFolder } from '../fixtures/run-folder-fixture.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-sweep-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const runFolder = (name: string, recorded?: number, checkpointed?: number) => recordsFolder(root, name, recorded, checkpointed);

describe("runState (the sweep's reading of runFolderState)", () => {
  it("counts a partial run's epochs from its checkpoint: killed between the checkpoint and run.json, run.json is one behind", () => {
    expect(runState(runFolder('between', 0, 1), 2)).toMatchObject({ state: 'partial', epochs: 1 });
    expect(runState(runFolder('partial', 1, 1), 2)).toMatchObject({ state: 'partial', epochs: 1 });
  });

  it('done with every epoch, checkpoint or not; new without a record; failed when it cannot continue or stopped', () => {
    expect(runState(runFolder('done', 2, 2), 2)).toMatchObject({ state: 'done' });
    expect(runState(runFolder('done-bare', 2), 2)).toMatchObject({ state: 'done' });
    expect(runState(join(root, 'absent'), 2)).toEqual({ state: 'new' });
    expect(runState(runFolder('bare', 1), 2)).toMatchObject({ state: 'failed', reason: expect.stringContaining('1 of 2 epochs recorded and no checkpoint') });
    const stopped = runFolder('stopped', 1, 1);
    const record = makeRunRecord({ epochs: 1 });
    writeFileSync(join(stopped, 'run.json'), JSON.stringify({ ...record, stopped: { epoch: 2, batch: 7, reason: 'the loss became NaN' } }));
    expect(runState(stopped, 2)).toMatchObject({ state: 'failed', reason: 'the loss became NaN' });
  });
});
