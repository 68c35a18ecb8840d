/**
 * `penx sweep` run again over its folder checks, before any run starts, what it will write over:
 * sweep.json, its figures and report (and what the runs it resumes rewrite). A user's file there is
 * refused with nothing touched — before, it was refused only at the write, after runs had trained.
 * In-process (`sweep` of the app, no `penx` subprocess); the folder's one run is finished, so no run
 * is trained whatever the check says.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { sweep } from '../../mnist-demo/cli/actions/sweep.ts';
import type { SweepFlags } from '../../mnist-demo/cli/flag-values.ts';
import { expandGrid } from '../../mnist-demo/experiment/sweep-grid.ts';
import { claimFolder, IOError, openFolder, SWEEP_FORMAT, type SweepRecord, writeFileAtomic, writeRunJson, writeSweepJson } from '../../src/node.ts';
import { tree } from '../cli/tree.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-sweep-checks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The sweep's settings: the training flags given (`settingsOf` in the action). */
const SETTINGS = { epochs: '1', trainSize: '64', testSize: '64', batchSize: '32', optimizer: 'adam', trackNorms: 'epoch', pruneEpochs: 'none' };
const FLAGS = { ...SETTINGS, penalties: 'l1', strengths: '1e-4', seeds: '1', out: root, name: 'again', jobs: '1', threads: '1' } as SweepFlags;

describe('penx sweep over its own folder again', () => {
  it('a user’s figure or sweep.json in it: refused before any run starts, nothing touched', async () => {
    const dir = join(root, 'again');
    const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1] };
    const record: SweepRecord = { format: SWEEP_FORMAT, name: 'again', grid, settings: SETTINGS, runs: await expandGrid(grid) };
    // The folder as penx left it: sweep.json, a figure, and its run finished.
    const stop = openFolder(dir, 'sweep');
    await writeSweepJson(dir, record);
    await writeFileAtomic(join(dir, 'sparsity.svg'), '<svg>penx</svg>');
    stop();
    const run = join(dir, record.runs[0]!.name);
    const claimed = claimFolder(run, {}, 'run');
    await writeRunJson(run, makeRunRecord({ epochs: 1 }));
    claimed.release();
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const refused = async (path: string) => {
        const before = tree(dir);
        const thrown = await sweep(FLAGS).then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(thrown).toBeInstanceOf(IOError);
        expect((thrown as Error).message).toBe(
          `refusing to write over ${join(dir, path)} (its content is not what penalty-explorer wrote there): penalty-explorer writes over only what it can prove it wrote; nothing was touched; move it out of ${dir} (or delete it if penalty-explorer's) and try again`,
        );
        expect(tree(dir)).toEqual(before);
      };
      writeFileSync(join(dir, 'sparsity.svg'), '<svg>mine</svg>');
      await refused('sparsity.svg');
      writeFileSync(join(dir, 'sparsity.svg'), '<svg>penx</svg>');
      // The same sweep record, written by the user (compact JSON): not the bytes penx wrote.
      writeFileSync(join(dir, 'sweep.json'), JSON.stringify(record));
      await refused('sweep.json');
    } finally {
      quiet.mockRestore();
    }
  });
});
