import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proofOf } from '../../src/folders/owner.ts';
import { readRunJson } from '../../src/folders/records.ts';
import { treeDigest } from '../../src/io/atomic.ts';
import { writeDataset } from '../data/idx-files.ts';
import { moduleDir } from './module-dir.ts';
import { DRAWN, penx, type Run, TINY } from './run-penx.ts';
import { tree } from './tree.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-train-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The first test runs wasm's data-parallel path (two threads); the others a TINY run. Two batches an epoch;
// training and test sizes that differ, so the record cannot swap them unseen.
const SMALL = ['--train-size', '128', '--test-size', '64', '--batch-size', '64', '--backend', 'wasm', '--prune-epochs', 'none'];
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const isPng = (path: string) => PNG.every((b, i) => readFileSync(path)[i] === b);
const readRun = readRunJson;
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** JSON text with every object's keys sorted: two records equal whatever order their keys were written in. */
const canonical = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(canonical)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.entries(v)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, x]) => [k, canonical(x)]),
        )
      : v;

/**
 * What is in `dir` (`tree`), its run.json files by their content: a resume rewrites them from the
 * checkpoint (bringing the folder in line), the same record with its keys in another order.
 */
function folderState(dir: string): Record<string, string> {
  const t = tree(dir);
  for (const path of Object.keys(t))
    if (path.endsWith('run.json') && !path.includes('checkpoint/')) t[path] = JSON.stringify(canonical(JSON.parse(readFileSync(join(dir, path), 'utf8'))));
  return t;
}

describe('penx train (tiny, end to end)', () => {
  const out = join(root, 'runs');
  const dir = join(out, 'deadzone_1e-4_a=0.25');

  it('writes run.json, the figures, the report and the checkpoint', async () => {
    const r = await penx('train', '--penalty', 'deadzone:1e-4', '--epochs', '2', '--out', out, ...SMALL, '--threads', '2');
    expect(r.stderr).toMatch(/^backend: wasm, 2 threads/m);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/report: .*deadzone_1e-4_a=0\.25\/report\.html/);
    const run = readRun(dir);
    expect(run.config).toMatchObject({
      penalty: 'deadzone:1e-4,a=0.25',
      backend: 'wasm',
      threads: 2,
      parallel: 'data',
      seed: 42,
      trainSize: 128,
      testSize: 64,
      batchSize: 64,
      epochs: 2,
    });
    expect(run.config.versions).toHaveProperty('@tensorflow/tfjs');
    expect(run.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    for (const e of [run.initial, ...run.epochs]) {
      expect(e.histogram.density).toHaveLength(100);
      expect([e.histogram.lo, e.histogram.hi]).toEqual([-1, 1]);
      const inside = e.histogram.count - e.histogram.below - e.histogram.above;
      expect(e.histogram.density.reduce((s, d) => s + d * 0.02, 0)).toBeCloseTo(inside / e.histogram.count, 6);
      expect(e.histogram.count).toBe(503_690);
      expect(e.layers.map((l) => l.name)).toEqual(['conv2d_1', 'conv2d_2', 'conv2d_3', 'dense_1', 'dense_2']);
      expect(e.layers.reduce((s, l) => s + l.count, 0)).toBe(503_690);
      expect(e.sparsity.lt1e3).toBeLessThanOrEqual(e.sparsity.lt1e2);
    }
    for (const e of run.epochs) {
      for (const key of ['trainLoss', 'penaltyLoss', 'testLoss', 'testAcc', 'seconds'] as const) expect(Number.isFinite(e[key]), key).toBe(true);
      expect(e.penaltyLoss).toBeGreaterThan(0);
      expect(e.layers.every((l) => l.penalty > 0)).toBe(true);
    }
    for (const f of ['epoch-000', 'epoch-001', 'epoch-002']) {
      expect(isPng(join(dir, `${f}.png`)), f).toBe(true);
      expect(readFileSync(join(dir, `${f}.svg`), 'utf8')).toMatch(/^<svg/);
    }
    expect(readFileSync(join(dir, 'epoch-002.svg'), 'utf8')).toContain(
      `epoch=2 loss=${run.epochs[1]!.testLoss!.toFixed(4)} acc=${run.epochs[1]!.testAcc!.toFixed(4)}`,
    );
    expect(isPng(join(dir, 'histograms.png'))).toBe(true);
    expect(isPng(join(dir, 'sparsity.png'))).toBe(true);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('id="epoch"');
    expect(html).not.toMatch(/<script[^>]+src=/);
    for (const f of ['model/model.json', 'model/weights.bin', 'optimizer.bin', 'optimizer.json', 'run.json'])
      expect(existsSync(join(dir, 'checkpoint', f)), f).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
  }, 120_000);

  it('penx plot redraws the figures from run.json; a figure with an SVG drawn from the same spec is kept as it is', async () => {
    unlinkSync(join(dir, 'epoch-001.png'));
    unlinkSync(join(dir, 'histograms.png'));
    // Drawn by the run, each epoch's histogram as its epoch ended and the views at its end: not written again.
    const kept = ['epoch-000.png', 'epoch-000.svg', 'epoch-002.png', 'epoch-002.svg', 'heatmap.png', 'heatmap.svg', 'curves.svg'];
    const stamps = () => kept.map((f) => ({ f, ino: statSync(join(dir, f)).ino, mtime: statSync(join(dir, f)).mtimeMs }));
    const before = stamps();
    const r = await penx('plot', dir);
    expect(r.code).toBe(0);
    expect(isPng(join(dir, 'epoch-001.png'))).toBe(true);
    expect(isPng(join(dir, 'histograms.png'))).toBe(true);
    expect(stamps()).toEqual(before);
  }, 60_000);

  it('refuses an existing run folder without --resume or --force, and replaces it with --force', async () => {
    const r = await penx('train', '--penalty', 'deadzone:1e-4', '--epochs', '1', '--out', out, ...TINY);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run folder .*deadzone_1e-4_a=0\.25 already exists; use --resume to continue it or --force to start it over/);
    expect(readRun(dir).epochs).toHaveLength(2);
    const f = await penx('train', '--penalty', 'deadzone:1e-4', '--epochs', '1', '--out', out, '--force', ...TINY);
    expect(f.code).toBe(0);
    expect(readRun(dir).epochs).toHaveLength(1);
    expect(existsSync(join(dir, 'epoch-002.png'))).toBe(false);
  }, 120_000);
});

describe('--resume of a finished run, and of one recorded before a perchannel=1 constraint spec dropped its axis', () => {
  // One run of one epoch for both tests (a process is most of their time): resumed as it is, then as an older penx recorded it.
  const out = join(root, 'perchannel');
  const args = ['train', '--penalty', 'none', '--constraint', 'maxnorm:m=2,perchannel=1', '--out', out, '--name', 'p', ...TINY];
  const dir = join(out, 'p');
  let first: Run;
  beforeAll(async () => {
    first = await penx(...args, '--epochs', '1');
  }, 120_000);

  it('says the run is already finished (it said "resuming after epoch N"), trains nothing, exit 0; --json still prints its document', async () => {
    expect(first.code, first.stderr).toBe(0);
    // One epoch, in the singular (it said "1 epochs").
    expect(first.stderr).toMatch(/, testing on \d+, 1 epoch → /);
    const epochs = readRun(dir).epochs;
    const before = tree(out);
    const again = await penx(...args, '--epochs', '1', '--resume', '--json');
    expect(again.code, again.stderr).toBe(0);
    // Said first, from the records: no backend started, no gradients built for it (it did both, then said so).
    expect(again.stderr).toMatch(new RegExp(`^nothing left to train: ${escaped(dir)} has finished its 1 epoch\n`));
    expect(again.stderr).not.toMatch(/^backend: |gradients: /m);
    expect(again.stderr).toContain('[none] run already finished its 1 epoch; nothing to train\n');
    expect(tree(out)).toEqual(before);
    expect(again.stderr).not.toMatch(/resuming after|epoch 1\/1/);
    // Nothing trains, so no "training none on … images, …, 1 epoch → …" line before it.
    expect(again.stderr).not.toMatch(/^training /m);
    expect(JSON.parse(again.stdout)).toMatchObject({ kind: 'run', dir: resolve(dir), runs: [{ dir: resolve(dir) }], interrupted: null });
    expect(readRun(dir).epochs).toEqual(epochs);
    // A comparison's runs each say so: below, on the comparison the last test writes.
  }, 120_000);

  it('resumes (its record read with the spec shown now), and run.json then shows that spec', async () => {
    expect(first.code, first.stderr).toBe(0);
    expect(readRun(dir).config.constraint).toBe('maxnorm:m=2,perchannel=1');
    // As the records were written before: the axis shown (the checkpoint's model config keeps every value either way).
    for (const f of [join(dir, 'run.json'), join(dir, 'checkpoint', 'run.json')])
      writeFileSync(f, readFileSync(f, 'utf8').replaceAll('maxnorm:m=2,perchannel=1', 'maxnorm:m=2,axis=0,perchannel=1'));
    // …and proven in the manifest as that penx recorded writing them (penx writes over only what it proves it wrote).
    const proofs = [
      { name: 'run.json', ...proofOf(readFileSync(join(dir, 'run.json'))) },
      { name: 'checkpoint', tree: treeDigest(join(dir, 'checkpoint')) },
    ];
    appendFileSync(join(dir, '.penx-folder.jsonl'), proofs.map((p) => `${JSON.stringify(p)}\n`).join(''));
    const resumed = await penx(...args, '--epochs', '2', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('[none] resuming after epoch 1');
    expect(readFileSync(join(dir, 'run.json'), 'utf8')).not.toContain('axis=0,perchannel=1');
    expect(readRun(dir).epochs).toHaveLength(2);
  }, 120_000);
});

// kill -9 and --resume ending with an uninterrupted run's weights, through this command line:
// test/backends/onnxruntime-resume.test.ts (and in-process on every model kind: test/models/conformance.test.ts).

describe('bad data and diverging runs', () => {
  it('missing, truncated and corrupt data files: exit 2 naming the file, nothing written', async () => {
    const data = join(root, 'data');
    writeDataset(data, 40, 20);
    unlinkSync(join(data, 't10k-labels-idx1-ubyte'));
    const out = join(root, 'baddata');
    const missing = await penx('train', '--penalty', 'l1', '--data', data, '--out', out, '--epochs', '1');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/has no test labels file \(t10k-labels-idx1-ubyte, or \.gz\)/);
    writeDataset(data, 40, 20);
    writeFileSync(join(data, 'train-images-idx3-ubyte'), readFileSync(join(data, 'train-images-idx3-ubyte')).subarray(0, 1000));
    const cut = await penx('train', '--penalty', 'l1', '--data', data, '--out', out, '--epochs', '1');
    expect(cut.code).toBe(2);
    expect(cut.stderr).toMatch(/train-images-idx3-ubyte: truncated: 1000 bytes, expected 31376/);
    writeDataset(data, 40, 20);
    writeFileSync(join(data, 'train-labels-idx1-ubyte'), Buffer.from('not an idx file at all'));
    const corrupt = await penx('train', '--penalty', 'l1', '--data', data, '--out', out, '--epochs', '1');
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toMatch(/train-labels-idx1-ubyte: wrong magic number/);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('trains on a user folder of gzipped files (e.g. Fashion-MNIST) and a user penalty', async () => {
    const data = join(root, 'gzdata');
    writeDataset(data, 64, 32, { gzip: true });
    const out = join(root, 'gzruns');
    const r = await penx(
      'train',
      '--penalty',
      './mnist-demo/examples/logsum-penalty.ts:1e-4,eps=0.05',
      '--data',
      data,
      '--out',
      out,
      '--epochs',
      '1',
      '--batch-size',
      '32',
      // Only the record is checked here (a user penalty's figures: test/cli/record-data.test.ts): no prune curve, no figures.
      '--prune-epochs',
      'none',
      '--no-figures',
    );
    expect(r.code).toBe(0);
    const run = readRun(join(out, 'logsum_1e-4_eps=0.05'));
    expect(run.config).toMatchObject({ penalty: 'logsum:1e-4,eps=0.05', penaltyModule: './mnist-demo/examples/logsum-penalty.ts', trainSize: 64, data });
  }, 60_000);

  it('a loss that becomes infinite stops the run: exit 1, one line naming epoch, batch, what and what to try, keeping epoch 0', async () => {
    const out = join(root, 'diverge');
    const r = await penx('train', '--penalty', 'l2:1e-4', '--optimizer', 'sgd:lr=1e30', '--out', out, '--name', 'd', '--epochs', '2', ...DRAWN);
    expect(r.code).toBe(1);
    const said =
      "penx: stopped: the data loss became NaN or infinite at epoch 1, batch 2; the run stopped, keeping everything up to epoch 0; lower the learning rate or the penalty's strength (l2:1e-4)";
    expect(r.stderr).toContain(`${said}\n`);
    // Its figures said as they are drawn, after epoch 0's line and before the line saying it stopped.
    const lines = r.stderr.split('\n');
    const drawing = lines.indexOf(`[l2:1e-4] drawing ${join(out, 'd')}: the run's figures`);
    expect(drawing, r.stderr).toBeGreaterThan(lines.findIndex((l) => l.startsWith('[l2:1e-4] epoch 0: ')));
    expect(lines.indexOf(said)).toBeGreaterThan(drawing);
    // One line: no stack trace.
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const run = readRun(join(out, 'd'));
    expect(run.epochs).toEqual([]);
    expect(run.stopped).toMatchObject({ epoch: 1, batch: 2 });
    expect(isPng(join(out, 'd', 'epoch-000.png'))).toBe(true);
    // Its report drawn as it stopped (report.html is otherwise redrawn only now and then): it says where.
    expect(readFileSync(join(out, 'd', 'report.html'), 'utf8')).toContain('stopped at epoch 1, batch 2');
  }, 60_000);

  it('a strength × penalty past float32 at the untrained weights is refused before the backend starts: exit 2, why, no run folder', async () => {
    const out = join(root, 'too-large');
    const r = await penx('train', '--penalty', 'l2:1e38', '--out', out, '--name', 'd', '--epochs', '1', ...TINY);
    // Checked with the model on TF.js's cpu backend (it came after the backend's and training's lines, the fused graph built).
    expect(r.stderr).toMatch(/^penx: error: the penalty is too large/);
    expect(r.stderr).not.toMatch(/^backend:|^training |gradients: /m);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /penx: error: the penalty is too large for float32 at the untrained weights: λ·penalty is [\d.]+e\d+ for conv2d_1\/kernel \(l2:1e38\)/,
    );
    expect(r.stderr).toContain('training computes its loss in float32');
    expect(r.stderr).toMatch(/give a smaller strength \(l2:1e38: λ at most [\d.]+e3\d\)/);
    expect(r.stderr).not.toMatch(/became NaN|^\s+at /m);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('a penalty not finite at the untrained weights (finite on the probe) is refused before training: exit 2, each weight named, no run folder', async () => {
    // √w is NaN on a real kernel's negative weights; 'penalty-explorer' resolves to this package (moduleDir).
    const here = moduleDir('penx-train-nan-');
    writeFileSync(
      join(here, 'p.ts'),
      `import { abs, definePenalty, tf } from 'penalty-explorer';\nexport default definePenalty({ name: 'sqrtbig', fn: (w) => (w.size > 1000 ? tf.sqrt(w) : abs(w)) });\n`,
    );
    const out = join(root, 'nan-penalty');
    try {
      const r = await penx('train', '--penalty', `${here}/p.ts`, '--out', out, '--name', 'd', '--epochs', '1', ...TINY);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/penx: error: the penalty is not finite at the untrained weights: λ·penalty is NaN for \S+\/kernel \(sqrtbig:1e-4\)/);
      expect(r.stderr).toContain('check it with probePenalty');
      expect(r.stderr).not.toMatch(/diverged|became NaN|^\s+at /m);
      expect(r.stderr).not.toMatch(/^backend:|^training /m);
      expect(existsSync(out)).toBe(false);
      // In a comparison too: its second run refused before the backend starts, nothing trained or written.
      const cmp = await penx('compare', '--penalties', `none,${here}/p.ts`, '--out', out, '--name', 'c', '--epochs', '1', ...TINY);
      expect(cmp.code, cmp.stderr).toBe(2);
      expect(cmp.stderr).toMatch(/^penx: error: the penalty is not finite at the untrained weights: λ·penalty is NaN for \S+\/kernel \(sqrtbig:1e-4\)/);
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(here, { recursive: true, force: true });
    }
  }, 60_000);

  it('a penalty that passes the probe tensors but is NaN where a whole kernel is 0 is refused before training: exit 2, the kernel and its shape named, no run folder', async () => {
    // A group lasso per filter, not smoothed (an L1 on a rank-1 weight, as the probe's); it passed and trained.
    const here = moduleDir('penx-train-gl-');
    writeFileSync(
      join(here, 'p.ts'),
      `import { abs, definePenalty, tf } from 'penalty-explorer';\nexport default definePenalty({ name: 'gl', fn: (w) => (w.rank === 1 ? abs(w) : tf.sum(tf.sqrt(tf.sum(tf.square(w), [...Array(w.rank - 1).keys()])))) });\n`,
    );
    const out = join(root, 'gl-penalty');
    try {
      const r = await penx('train', '--penalty', `${here}/p.ts`, '--out', out, '--name', 'd', '--epochs', '1', ...TINY);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(
        /^penx: error: penalty gl:[\d.e-]+ \(from [^)]*\) on conv2d_1\/kernel \(shape \[\d+,\d+,\d+,\d+\]\) has gradient NaN where all its weights are 0 /m,
      );
      expect(r.stderr).not.toMatch(/^backend:|^training /m);
      expect(existsSync(out)).toBe(false);
    } finally {
      rmSync(here, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('penx compare (tiny)', () => {
  it('trains each penalty and writes the comparison', async () => {
    const out = join(root, 'cmp');
    const r = await penx('compare', '--penalties', 'none,lp:1e-4,p=3', '--epochs', '1', '--out', out, '--name', 'c', ...DRAWN);
    expect(r.code).toBe(0);
    const dir = join(out, 'c');
    expect(JSON.parse(readFileSync(join(dir, 'compare.json'), 'utf8'))).toMatchObject({ runs: ['none', 'lp_1e-4_p=3'] });
    for (const f of ['histograms.png', 'sparsity.png', 'accuracy.png']) expect(isPng(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('lp:1e-4,p=3');
    expect(readRun(join(dir, 'none')).epochs).toHaveLength(1);
    expect(r.stdout).toMatch(/^lp:1e-4,p=3\s+test acc/m);
    // Progress before the comparison's own figures (seconds to half a minute): before, nothing was said after the last run.
    expect(r.stderr).toContain(`drawing ${dir}: the comparison's figures\n`);
    // Each run's lines in the order things happen: its last epoch's line, then its figures (the views
    // over epochs and the report, seconds) said as they are drawn. Before, they were drawn first, in
    // silence, and the epoch's line came after.
    const said = r.stderr
      .split('\n')
      .filter((l) => /^(\[\d\/2 [^\]]+\] )?(epoch \d:|drawing )/.test(l))
      .map((l) => l.replace(/: test loss .*/, ''));
    expect(said, r.stderr).toEqual([
      '[1/2 none] epoch 0',
      '[1/2 none] epoch 1',
      `[1/2 none] drawing ${join(dir, 'none')}: the run's figures`,
      '[2/2 lp:1e-4,p=3] epoch 0',
      '[2/2 lp:1e-4,p=3] epoch 1',
      `[2/2 lp:1e-4,p=3] drawing ${join(dir, 'lp_1e-4_p=3')}: the run's figures`,
      `drawing ${dir}: the comparison's figures`,
    ]);
    const again = await penx('compare', '--penalties', 'none', '--epochs', '1', '--out', out, '--name', 'c', ...TINY);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/comparison folder .* already exists/);
    // --resume of the finished comparison: each run says it is finished (it said "resuming after epoch 1"), none trains.
    const resumed = await penx('compare', '--penalties', 'none,lp:1e-4,p=3', '--epochs', '1', '--out', out, '--name', 'c', ...TINY, '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    for (const label of ['[1/2 none]', '[2/2 lp:1e-4,p=3]']) expect(resumed.stderr).toContain(`${label} run already finished its 1 epoch; nothing to train\n`);
    expect(resumed.stderr).not.toMatch(/resuming after|^training /m);
    expect(readRun(join(dir, 'none')).epochs).toHaveLength(1);
    // Said first, from the records, with no backend started and no gradients built; the folder as it was.
    expect(resumed.stderr).toMatch(new RegExp(`^nothing left to train: every run in ${escaped(dir)} \\(2 runs\\) has finished its 1 epoch\n`));
    expect(resumed.stderr).not.toMatch(/^backend: |gradients: /m);
    const before = folderState(dir);
    // Its settings are still compared with the records: another seed is refused (exit 2), nothing changed.
    const seed = await penx('compare', '--penalties', 'none,lp:1e-4,p=3', '--epochs', '1', '--out', out, '--name', 'c', ...TINY, '--resume', '--seed', '7');
    expect(seed.code, seed.stderr).toBe(2);
    expect(seed.stderr).toMatch(/cannot resume .*none: its seed is 42, this run's is 7/);
    expect(seed.stderr).not.toMatch(/^backend: /m);
    expect(folderState(dir)).toEqual(before);
    // Drawn, the finished comparison is brought in line as before: a report lost (killed while drawing it) is drawn again.
    rmSync(join(dir, 'report.html'));
    rmSync(join(dir, 'none', 'report.html'));
    const drawn = await penx('compare', '--penalties', 'none,lp:1e-4,p=3', '--epochs', '1', '--out', out, '--name', 'c', ...DRAWN, '--resume');
    expect(drawn.code, drawn.stderr).toBe(0);
    expect(drawn.stderr).not.toMatch(/^backend: |gradients: /m);
    expect(drawn.stdout).toContain(`report: ${join(dir, 'report.html')}`);
    // Both reports drawn again, as they were; every other file as it was.
    expect(folderState(dir)).toEqual(before);
  }, 240_000);
});
