/**
 * `penx sweep` run again over its folder checks, before any run starts, what it will write over:
 * sweep.json, its figures and report (a monitor's figure no finished run has yet too), and what the
 * runs it resumes rewrite, all named in one refusal. A user's file there is refused with nothing
 * touched — before, it was refused only at the write, after runs had trained. In-process (`sweep` of
 * the app, no `penx` subprocess); a folder's run is finished, or stands after epoch 0 with a
 * checkpoint that cannot be loaded, so no run is trained whatever the check says.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

/**
 * The sweep `name` of `settings` as penx left it: sweep.json and a figure (its own), its one run
 * after `epochs` epochs — finished at the settings' one, else with a checkpoint there (to resume).
 */
async function sweepFolder(name: string, settings: Record<string, string>, epochs: number): Promise<{ dir: string; run: string; record: SweepRecord }> {
  const dir = join(root, name);
  const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1] };
  const record: SweepRecord = { format: SWEEP_FORMAT, name, grid, settings, runs: await expandGrid(grid) };
  const stop = openFolder(dir, 'sweep');
  await writeSweepJson(dir, record);
  await writeFileAtomic(join(dir, 'sparsity.svg'), '<svg>penx</svg>');
  stop();
  const run = join(dir, record.runs[0]!.name);
  const claimed = claimFolder(run, {}, 'run');
  await writeRunJson(run, makeRunRecord({ epochs }));
  claimed.release();
  if (epochs < Number(settings.epochs)) {
    mkdirSync(join(run, 'checkpoint'));
    copyFileSync(join(run, 'run.json'), join(run, 'checkpoint', 'run.json'));
  }
  return { dir, run, record };
}

/** `sweep(flags)` refused with an IOError whose message is `message`, the folder `dir` as it was. */
async function refused(flags: SweepFlags, dir: string, message: string): Promise<void> {
  const before = tree(dir);
  const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    const thrown = await sweep(flags).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(thrown).toBeInstanceOf(IOError);
    expect((thrown as Error).message).toBe(message);
  } finally {
    quiet.mockRestore();
  }
  expect(tree(dir)).toEqual(before);
}

const MOVE = 'penalty-explorer writes over only what it can prove it wrote; nothing was touched; move them out of';

describe('penx sweep over its own folder again', () => {
  it('a user’s figure or sweep.json in it: refused before any run starts, nothing touched', async () => {
    // The folder as penx left it: sweep.json, a figure, and its run finished.
    const { dir, record } = await sweepFolder('again', SETTINGS, 1);
    const one = (path: string) =>
      `refusing to write over ${join(dir, path)} (its content is not what penalty-explorer wrote there): penalty-explorer writes over only what it can prove it wrote; nothing was touched; move it out of ${dir} (or delete it if penalty-explorer's) and try again`;
    writeFileSync(join(dir, 'sparsity.svg'), '<svg>mine</svg>');
    await refused(FLAGS, dir, one('sparsity.svg'));
    writeFileSync(join(dir, 'sparsity.svg'), '<svg>penx</svg>');
    // The same sweep record, written by the user (compact JSON): not the bytes penx wrote.
    writeFileSync(join(dir, 'sweep.json'), JSON.stringify(record));
    await refused(FLAGS, dir, one('sweep.json'));
  });

  it('a user’s figure and a user’s file in a run it resumes: both named in one refusal', async () => {
    const { dir, run } = await sweepFolder('both', SETTINGS, 0);
    writeFileSync(join(dir, 'sparsity.svg'), '<svg>mine</svg>');
    // The record read back and written by the user (one more line end): not the bytes penx wrote.
    writeFileSync(join(run, 'run.json'), `${readFileSync(join(run, 'run.json'), 'utf8')}\n`);
    await refused(
      { ...FLAGS, name: 'both' },
      dir,
      `refusing to write over ${join(dir, 'sparsity.svg')}, ${join(run, 'run.json')} (its content is not what penalty-explorer wrote there): ${MOVE} ${dir} (or delete them if penalty-explorer's) and try again`,
    );
  });

  it('a user’s file under the name of the figure of a --monitor no finished run has yet: refused before the run resumes', async () => {
    const monitor = join(root, 'mean-abs.mjs');
    writeFileSync(
      monitor,
      `export default { name: 'meanAbs', onEpochEnd: () => 1, view: { title: 'Mean |w|', spec: { mark: 'line', encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' } } } } };\n`,
    );
    const { dir } = await sweepFolder('monitors', { ...SETTINGS, monitor }, 0);
    writeFileSync(join(dir, 'monitor-meanAbs.svg'), '<svg>mine</svg>');
    await refused(
      { ...FLAGS, name: 'monitors', monitor } as SweepFlags,
      dir,
      `refusing to write over ${join(dir, 'monitor-meanAbs.svg')} (not in the manifest: penalty-explorer did not write it): penalty-explorer writes over only what it can prove it wrote; nothing was touched; move it out of ${dir} (or delete it if penalty-explorer's) and try again`,
    );
  });
});
