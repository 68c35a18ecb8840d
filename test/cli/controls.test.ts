import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunJson } from '../../src/folders/records.ts';
import { penx, TINY } from './run-penx.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-controls-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const SMALL = [...TINY, '--test-size', '64', '--epochs', '1', '--out', root];
const readRun = (name: string) => readRunJson(join(root, name));

describe('weight controls from the command line', () => {
  it('AdamW, a per-layer learning rate, a frozen layer and per-batch norms are applied and recorded', async () => {
    const r = await penx(
      'train',
      '--penalty',
      'l2:1e-4',
      '--optimizer',
      'adamw:lr=1e-3,wd=1e-4',
      '--lr-mult',
      'conv2d_1=0.1',
      '--grad',
      'dense_2:zero;conv*:clipnorm=1',
      '--track-norms',
      'batch',
      '--name',
      'a',
      ...SMALL,
    );
    expect(r.code, r.stderr).toBe(0);
    const run = readRun('a');
    expect(run.config).toMatchObject({
      optimizer: 'adamw:lr=0.001,wd=1e-4,beta1=0.9,beta2=0.999,eps=1e-7',
      lrMult: 'conv2d_1=0.1',
      grad: 'conv*:clipnorm:1',
      freeze: 'dense_2',
      trackNorms: 'batch',
    });
    const [e0, e1] = [run.initial, run.epochs[0]!];
    const norms = (s: typeof e0, layer: string) => s.norms.find((n) => n.layer === layer)!.norms;
    // dense_2 is frozen: its channel norms did not move; the others did.
    expect(norms(e1, 'dense_2')).toEqual(norms(e0, 'dense_2'));
    expect(norms(e1, 'dense_1')).not.toEqual(norms(e0, 'dense_1'));
    expect(e0.norms.map((n) => [n.layer, n.norms.length])).toEqual([
      ['conv2d_1', 32],
      ['conv2d_2', 64],
      ['conv2d_3', 128],
      ['dense_1', 128],
      ['dense_2', 10],
    ]);
    expect(e1.batchNorms?.map((b) => b.batch)).toEqual([1, 2]);
    // The last batch's norms are the epoch's, up to float32 rounding (sums taken in another order).
    const [lastBatch, epochEnd] = [e1.batchNorms?.[1]?.layers.find((l) => l.layer === 'dense_1')?.max ?? Number.NaN, Math.max(...norms(e1, 'dense_1'))];
    expect(Math.abs(lastBatch - epochEnd) / epochEnd).toBeLessThan(1e-6);
  }, 120_000);

  it('a user gradient module from --grad: zero gradients keep dense_2 where it started', async () => {
    const r = await penx('train', '--penalty', 'none', '--grad', 'dense_2:./test/fixtures/grad/zero-grad.ts', '--name', 'g', ...SMALL);
    expect(r.code, r.stderr).toBe(0);
    const run = readRun('g');
    expect(run.config.grad).toBe('dense_2:./test/fixtures/grad/zero-grad.ts');
    const norms = (s: typeof run.initial, layer: string) => s.norms.find((n) => n.layer === layer)!.norms;
    expect(norms(run.epochs[0]!, 'dense_2')).toEqual(norms(run.initial, 'dense_2'));
    expect(norms(run.epochs[0]!, 'dense_1')).not.toEqual(norms(run.initial, 'dense_1'));
  }, 120_000);

  it('a norm constraint bounds the channel norms and reports the share it projected', async () => {
    const r = await penx('train', '--penalty', 'none', '--constraint', 'maxnorm:m=1', '--name', 'b', ...SMALL);
    expect(r.code, r.stderr).toBe(0);
    const run = readRun('b');
    // On every kernel, with its bounds.
    const kernels = run.config.weights.filter((w) => w.kind === 'kernel');
    expect(kernels.length).toBeGreaterThan(0);
    for (const k of kernels) expect(k.constraint).toEqual({ spec: 'maxnorm:m=1,axis=0', source: 'builtin', bounds: { max: 1, axis: 0 } });
    const dense1 = run.epochs[0]!.norms.find((n) => n.layer === 'dense_1')!;
    // N(0, 0.25²) columns of 3200 weights start near norm 14; every step projects them back to 1.
    expect(run.initial.norms.find((n) => n.layer === 'dense_1')!.max).toBeGreaterThan(10);
    expect(dense1.max).toBeLessThanOrEqual(1 + 1e-5);
    // The mean share over the epoch's steps of dense_1's output channels the constraint rescaled.
    expect(dense1.projected).toBeGreaterThan(0.3);
    expect(dense1.projected).toBeLessThanOrEqual(1);
    expect(run.initial.norms.every((n) => n.projected === undefined)).toBe(true);
  }, 120_000);

  it('compare trains every penalty under every optimiser: Adam + L2 next to AdamW', async () => {
    const r = await penx('compare', '--penalties', 'l2:1e-4,none', '--optimizers', 'adam:lr=1e-3;adamw:lr=1e-3,wd=1e-4', '--name', 'cmp', ...SMALL);
    expect(r.code, r.stderr).toBe(0);
    const runs = (JSON.parse(readFileSync(join(root, 'cmp', 'compare.json'), 'utf8')) as { runs: string[] }).runs;
    expect(runs).toEqual([
      'l2_1e-4__adam_lr=0.001_beta1=0.9_beta2=0.999_eps=1e-7',
      'l2_1e-4__adamw_lr=0.001_wd=1e-4_beta1=0.9_beta2=0.999_eps=1e-7',
      'none__adam_lr=0.001_beta1=0.9_beta2=0.999_eps=1e-7',
      'none__adamw_lr=0.001_wd=1e-4_beta1=0.9_beta2=0.999_eps=1e-7',
    ]);
    const opt = (name: string) => readRun(join('cmp', name)).config.optimizer;
    expect(opt(runs[1]!)).toMatch(/^adamw:/);
    expect(r.stdout).toMatch(/^l2:1e-4 adam:lr=0.001\s+test acc/m);
  }, 180_000);

  it('refuses bad controls before the backend starts, with exit 2, writing nothing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--optimizer', 'lion'], /unknown optimizer 'lion'/],
      [['--optimizer', 'adamw:wd=-1'], /adamw parameter wd=-1 is not allowed/],
      // Judged on the model, built on TF.js's cpu backend (they were refused after the training backend's line).
      [['--lr-mult', 'convv*=2'], /learning-rate multiplier pattern 'convv\*' matches no weight; layers: conv2d_1, conv2d_2, conv2d_3, dense_1, dense_2/],
      [['--grad', 'nope*:clipnorm=1'], /gradient transform pattern 'nope\*' matches no weight; layers: conv2d_1/],
      [['--constraint', 'maxnorm:m=2,axis=3'], /cannot be applied to dense_1\/kernel \(shape \[3200,128\]\): axis=3 is out of range/],
      [['--grad', 'dense_2:freeze'], /unknown transform 'freeze'/],
      [['--track-norms', 'step'], /Allowed choices are epoch, batch/],
      [['--grad', 'dense_2:./nope.ts'], /gradient transform module '.\/nope.ts' not found/],
    ];
    for (const [flags, message] of cases) {
      const r = await penx('train', '--penalty', 'l1', '--name', 'bad', ...SMALL, ...flags);
      expect(r.code, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr, flags.join(' ')).not.toMatch(/^backend:/m);
      expect(existsSync(join(root, 'bad')), flags.join(' ')).toBe(false);
    }
  }, 60_000);
});
