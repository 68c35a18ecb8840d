/** Where a sweep's run folder stands (sweep-state.ts), from the files a run leaves after each epoch. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runState } from '../../mnist-demo/experiment/sweep-state.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-sweep-state-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A run folder with run.json after `recorded` epochs and, when given, a checkpoint after `checkpointed`. */
function runFolder(name: string, recorded: number, checkpointed?: number): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'run.json'), JSON.stringify(makeRunRecord({ epochs: recorded })));
  if (checkpointed !== undefined) {
    mkdirSync(join(dir, 'checkpoint'));
    writeFileSync(join(dir, 'checkpoint', 'run.json'), JSON.stringify(makeRunRecord({ epochs: checkpointed })));
  }
  return dir;
}

describe('runState', () => {
  it("counts a partial run's epochs from its checkpoint: killed between the checkpoint and run.json, run.json is one behind", () => {
    expect(runState(runFolder('between', 0, 1), 2)).toEqual({ state: 'partial', epochs: 1 });
    expect(runState(runFolder('partial', 1, 1), 2)).toEqual({ state: 'partial', epochs: 1 });
  });

  it('done with every epoch and its checkpoint; new without a checkpoint or without a record', () => {
    expect(runState(runFolder('done', 2, 2), 2)).toMatchObject({ state: 'done' });
    expect(runState(runFolder('bare', 1), 2)).toEqual({ state: 'new' });
    expect(runState(join(root, 'absent'), 2)).toEqual({ state: 'new' });
  });
});
