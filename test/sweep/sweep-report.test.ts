/**
 * The sweep's report.html shows a record's text as text: control and bidirectional characters in a
 * setting, a penalty spec or a failure's reason appear as their escapes (as `printable` shows them
 * on the terminal), so they cannot reorder what the page shows; no run drawn, no link. The views
 * the runs' monitors bring are drawn over the finished runs, as a comparison's report shows them;
 * a redraw with no run finished since keeps the figures' files as they are. And `penx sweep` run again
 * over its folder checks, before any run starts, what it will write over: sweep.json, its figures and
 * report (and what the runs it resumes rewrite); a user's file there is refused with nothing touched —
 * before, only at the write, after runs had trained; a monitor's figure no finished run has yet too,
 * and everything it would refuse is named in one refusal (in-process: `sweep` of the app; a folder's
 * run is finished, or stands after epoch 0 with a checkpoint that cannot be loaded, so no run is
 * trained whatever the check says). A redraw replaces its figures and report together: wherever it
 * could be stopped (at each file operation it awaits, where a second Ctrl-C's exit can come), the
 * folder holds the drawing before or the one after, whole.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, type Stats, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { sweep } from '../../mnist-demo/cli/actions/sweep.ts';
import type { SweepFlags } from '../../mnist-demo/cli/flag-values.ts';
import { drawSweep } from '../../mnist-demo/experiment/sweep-draw.ts';
import { expandGrid } from '../../mnist-demo/experiment/sweep-grid.ts';
import {
  claimFolder,
  fitToFolder,
  IOError,
  type Monitor,
  openFolder,
  SWEEP_FORMAT,
  type SweepRecord,
  writeFileAtomic,
  writeRunJson,
  writeSweepJson,
} from '../../src/node.ts';
import { tf } from '../../src/tf.ts';
import { tree } from '../cli/tree.ts';
import { makeRunRecord } from '../fixtures/run-record-fixture.ts';

/** What shows a file was written again: its inode (a rename puts a new one in place) and its modification time. */
const pick = (s: Stats) => ({ ino: s.ino, mtimeMs: s.mtimeMs });

/** Called before every `node:fs/promises` operation (a point where the process can be stopped by a signal), when set. */
const fsHook = vi.hoisted(() => ({ beforeCall: undefined as (() => void) | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<Record<string, unknown>>();
  const wrap = (f: unknown) =>
    typeof f === 'function'
      ? (...args: unknown[]) => {
          fsHook.beforeCall?.();
          return (f as (...a: unknown[]) => unknown)(...args);
        }
      : f;
  const wrapped = Object.fromEntries(Object.entries(actual).map(([name, f]) => [name, wrap(f)]));
  return { ...wrapped, default: wrapped };
});

const root = mkdtempSync(join(tmpdir(), 'penx-sweep-report-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("a sweep's report.html", () => {
  it('escapes control and bidi characters of its record in the page text', async () => {
    const record: SweepRecord = {
      format: SWEEP_FORMAT,
      name: 's',
      grid: { penalties: ['./my\u202eenalty.ts'], strengths: [1e-4], seeds: [1] },
      settings: { epochs: '2', data: 'sets/\u2067mnist\u0007' },
      runs: [{ name: 'r1', penalty: './my\u202eenalty.ts:1e-4', strength: 1e-4, seed: 1 }],
    };
    await drawSweep(root, record, new Map([['r1', 'failed: \u001b[31mboom']]));
    const html = readFileSync(join(root, 'report.html'), 'utf8');
    for (const raw of ['\u202e', '\u2067', '\u0007', '\u001b']) expect(html).not.toContain(raw);
    for (const shown of ['./my\\u202eenalty.ts', 'sets/\\u2067mnist\\u0007', '\\u001b[31mboom']) expect(html).toContain(shown);
    expect(html).not.toContain('href=');
  });

  it('shows the views of its runs’ monitors over the finished runs, one card each (as a comparison’s report)', async () => {
    const dir = join(root, 'monitored');
    // Its section: the epoch and a number the run's seed sets, so each run's line is its own.
    const monitor = (offset: number): Monitor<number> => ({
      name: 'epochTimes',
      onEpochEnd: ({ epoch }) => epoch * offset,
      view: {
        title: 'Epoch times the seed',
        spec: {
          mark: 'line',
          encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' }, color: { field: 'run', type: 'nominal' } },
        },
      },
    });
    const x = tf.randomNormal([16, 3], 0, 1, 'float32', 1);
    const y = tf
      .oneHot(
        tf.tensor1d(
          [...Array(16).keys()].map((i) => i % 2),
          'int32',
        ),
        2,
      )
      .toFloat();
    const runs = [
      { name: 'l1_seed=1', penalty: 'l1:1e-4', strength: 1e-4, seed: 1 },
      { name: 'l1_seed=2', penalty: 'l1:1e-4', strength: 1e-4, seed: 2 },
      { name: 'l1_seed=3', penalty: 'l1:1e-4', strength: 1e-4, seed: 3 },
    ];
    const train = async (run: (typeof runs)[number]) => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'softmax' })] });
      await fitToFolder(
        model,
        { x, y },
        { dir: join(dir, run.name), name: run.name, epochs: 2, batchSize: 8, seed: run.seed, figures: false, monitors: [monitor(10 * run.seed)] },
      );
      model.dispose();
    };
    // Two runs done, the third never started: its line is not drawn.
    for (const run of runs.slice(0, 2)) await train(run);
    const record: SweepRecord = {
      format: SWEEP_FORMAT,
      name: 'm',
      grid: { penalties: ['l1'], strengths: [1e-4], seeds: [1, 2, 3] },
      settings: { epochs: '2' },
      runs,
    };
    await drawSweep(dir, record);
    for (const ext of ['png', 'svg']) expect(existsSync(join(dir, `monitor-epochTimes.${ext}`)), ext).toBe(true);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const card = html.slice(html.indexOf('<div class="card" id="monitor-epochTimes">'));
    expect(card).toContain('your monitor epochTimes: its section after each epoch, one line per finished run');
    const svg = card.slice(card.indexOf('<svg'), card.indexOf('</svg>'));
    expect(svg).toBe(readFileSync(join(dir, 'monitor-epochTimes.svg'), 'utf8').slice(0, svg.length));
    // The finished runs' lines in the legend, not the one never started; the largest section (epoch 2 × 20) on the axis.
    expect(svg).toContain('Epoch times the seed');
    for (const name of ['l1_seed=1', 'l1_seed=2']) expect(svg).toContain(name);
    expect(svg).not.toContain('l1_seed=3');
    expect(svg).toContain('>40<');

    // Drawn again with no run finished since: the figures are kept as they are (not rendered, not written); the page still shows them.
    const figures = ['monitor-epochTimes.png', 'monitor-epochTimes.svg', 'sparsity.png', 'sparsity.svg', 'accuracy.png', 'accuracy.svg'];
    const stats = () => figures.map((f) => ({ f, ...pick(statSync(join(dir, f))) }));
    const before = stats();
    await drawSweep(dir, record);
    expect(stats()).toEqual(before);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain(svg);
    // The third run finished: the monitor's figure drawn anew, with its line (sparsity and accuracy against
    // strength are drawn anew only if the third seed moved their values: kept otherwise, as their spec is the same).
    await train(runs[2]!);
    await drawSweep(dir, record);
    for (const [i, now] of stats().entries()) if (now.f.startsWith('monitor-')) expect(now.ino, now.f).not.toBe(before[i]!.ino);
    expect(readFileSync(join(dir, 'monitor-epochTimes.svg'), 'utf8')).toContain('l1_seed=3');
    tf.dispose([x, y]);
  }, 60_000);
});

describe("a sweep's redraw", () => {
  it('replaces its figures and report together: stopped at any await, the folder holds one drawing whole', async () => {
    const dir = join(root, 'moment');
    const grid = { penalties: ['l1'], strengths: [1e-4], seeds: [1, 2] };
    const record: SweepRecord = { format: SWEEP_FORMAT, name: 'moment', grid, settings: { epochs: '2' }, runs: await expandGrid(grid) };
    const stop = openFolder(dir, 'sweep');
    await writeSweepJson(dir, record);
    stop();
    const finish = async (i: number) => {
      const run = record.runs[i]!;
      const claimed = claimFolder(join(dir, run.name), {}, 'run');
      await writeRunJson(join(dir, run.name), makeRunRecord({ epochs: 2, seed: run.seed }));
      claimed.release();
    };
    const files = ['sparsity.png', 'sparsity.svg', 'accuracy.png', 'accuracy.svg', 'report.html'];
    const state = () =>
      files.map((f) =>
        existsSync(join(dir, f))
          ? createHash('sha256')
              .update(readFileSync(join(dir, f)))
              .digest('hex')
          : 'none',
      );
    await finish(0);
    await drawSweep(dir, record);
    const before = state();
    // The second run finished: every file drawn anew; what the folder holds at each operation the redraw awaits.
    await finish(1);
    const seen: string[][] = [];
    fsHook.beforeCall = () => seen.push(state());
    try {
      await drawSweep(dir, record);
    } finally {
      fsHook.beforeCall = undefined;
    }
    const after = state();
    for (const [i, f] of files.entries()) expect(after[i], f).not.toBe(before[i]);
    expect(seen.length).toBeGreaterThan(files.length);
    const moments = seen.map((s) => files.map((f, i) => `${f}: ${s[i] === before[i] ? 'before' : s[i] === after[i] ? 'after' : 'other'}`));
    expect(moments.filter((m) => !m.every((x) => x.endsWith(': before')) && !m.every((x) => x.endsWith(': after')))).toEqual([]);
  });
});

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
