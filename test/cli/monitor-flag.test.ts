/**
 * `--monitor MODULE`: a user's measurement every epoch from the command line. Its values land in
 * run.json as the library records them (each snapshot's `monitors[name]`), its view is drawn by
 * `penx plot` and the report; a module whose default export is not a monitor is refused (exit 2)
 * before the backend starts, nothing written; `--resume` refuses other monitors. A record is
 * data: `penx plot`, `penx summary` and the dashboard never import the module (it leaves a marker
 * file when imported).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRunJson } from '../../src/folders/records.ts';
import { serveDashboard } from '../../src/serve/index.ts';
import { penx, TINY } from './run-penx.ts';
import { tree } from './tree.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-monitor-flag-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mark = join(root, 'imported.txt');
/** Its section: how many batches the epoch had and their mean data loss (null at epoch 0); no view. */
const batchLoss = join(root, 'batch-loss.ts');
const classAccuracy = './mnist-demo/examples/class-accuracy.ts';
const out = join(root, 'runs');
const dir = join(out, 'm');
/** One epoch of two batches (TINY: 128 training images in batches of 64), both monitors, by the flag given twice. */
const TRAIN = ['train', '--penalty', 'l1:1e-4', ...TINY, '--out', out, '--name', 'm'];
const RUN = [...TRAIN, '--monitor', batchLoss, '--monitor', classAccuracy];

beforeAll(async () => {
  writeFileSync(
    batchLoss,
    `import { writeFileSync } from 'node:fs';
writeFileSync(${JSON.stringify(mark)}, 'imported by ' + process.argv.join(' '));
export default {
  name: 'batchLoss',
  onBatchEnd: (b: { dataLoss: number }) => b.dataLoss,
  onEpochEnd: ({ batches }: { batches: number[] }) => ({ batches: batches.length, meanLoss: batches.length ? batches.reduce((s, l) => s + l, 0) / batches.length : null }),
};
`,
  );
  writeFileSync(join(root, 'factory.ts'), `export default (model: unknown) => ({ name: 'made', onEpochEnd: () => 1 });\n`);
  const r = await penx(...RUN, '--epochs', '1');
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

describe('penx train --monitor', () => {
  it('keeps each monitor’s values in run.json, at epoch 0 and after every epoch, its module named', () => {
    const run = readRunJson(dir);
    expect(run.config.monitors?.map((m) => [m.name, m.module, m.view?.title])).toEqual([
      ['batchLoss', batchLoss, undefined],
      ['classAccuracy', classAccuracy, 'Test accuracy per class'],
    ]);
    expect(run.initial.monitors?.['batchLoss']).toEqual({ batches: 0, meanLoss: null });
    const [epoch1] = run.epochs;
    // Two batches; their mean data loss is the epoch's training loss.
    const section = epoch1?.monitors?.['batchLoss'] as { batches: number; meanLoss: number };
    expect(section.batches).toBe(2);
    expect(section.meanLoss).toBeCloseTo(epoch1!.trainLoss, 5);
    for (const s of [run.initial, ...run.epochs]) {
      const perClass = s.monitors?.['classAccuracy'] as Record<string, number>;
      expect(Object.keys(perClass).every((c) => /^\d$/.test(c))).toBe(true);
      expect(Object.values(perClass).every((a) => a >= 0 && a <= 1)).toBe(true);
    }
  });

  it('penx plot draws its view (none for a monitor without one); plot, summary and the dashboard never import the module', async () => {
    unlinkSync(mark);
    const plot = await penx('plot', dir);
    expect(plot.code, plot.stderr).toBe(0);
    expect(readFileSync(join(dir, 'monitor-classAccuracy.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(existsSync(join(dir, 'monitor-batchLoss.png'))).toBe(false);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('id="view-monitor-classAccuracy"');
    const summary = await penx('summary', dir);
    expect(summary.code, summary.stderr).toBe(0);
    const board = await serveDashboard({ dir: out });
    try {
      const view = await fetch(new URL('/api/view/monitor-classAccuracy?runs=m', board.url));
      expect(view.status).toBe(200);
      expect(JSON.stringify(await view.json())).toContain('Test accuracy per class');
    } finally {
      await board.close();
    }
    expect(existsSync(mark), existsSync(mark) ? readFileSync(mark, 'utf8') : '').toBe(false);
  }, 60_000);

  // With the same ones it trains on: test/monitor/monitor.test.ts (fitToFolder with a monitor from a module).
  it('--resume needs the same monitors: other ones refused (exit 2, both lists named, nothing changed)', async () => {
    const before = tree(dir);
    const other = await penx(...TRAIN, '--monitor', classAccuracy, '--epochs', '2', '--resume');
    expect(other.code, other.stderr).toBe(2);
    expect(other.stderr).toContain(`cannot resume ${dir}: its list of monitors is "batchLoss" and "classAccuracy", this run's is "classAccuracy"`);
    expect(tree(dir)).toEqual(before);
  }, 60_000);
});

describe('a module that does not export a monitor', () => {
  it('is refused with exit 2, saying what it exports and what it should, before the backend starts, nothing written', async () => {
    const where = join(root, 'refused');
    for (const command of [
      ['train', '--penalty', 'l1:1e-4'],
      ['sweep', '--penalties', 'l1', '--strengths', '1e-4'],
    ]) {
      const r = await penx(...command, ...TINY, '--epochs', '1', '--out', where, '--monitor', classAccuracy, '--monitor', join(root, 'factory.ts'));
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(
        `penx: error: monitor module '${join(root, 'factory.ts')}': its default export is a function; export default the monitor itself, an object { name, onEpochEnd(`,
      );
      expect(r.stderr).not.toMatch(/^backend: /m);
      expect(existsSync(where)).toBe(false);
    }
  }, 60_000);
});
