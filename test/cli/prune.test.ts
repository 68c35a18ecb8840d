import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { accuracyChange } from '../../mnist-demo/cli/actions/prune.ts';
import { readRunJson } from '../../src/folders/records.ts';
import { splitSpecList } from '../../src/index.ts';
import { loadModel, readSparseWeights, tf } from '../../src/node.ts';
import { bitsOf, plainTfjsPredict } from '../fixtures/portable/plain-tfjs.ts';
import { DRAWN, penx } from './run-penx.ts';
import { filesBelow } from './tree.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-prune-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Drawn: the prune curve's figure and its part of the report are checked.
const SMALL = [...DRAWN, '--prune-epochs', 'last'];
const readRun = readRunJson;

describe('the accuracy change prune prints', () => {
  it('says points lost, or points gained when the pruned model scores higher (it said -7.00 points lost)', () => {
    expect([accuracyChange(1.25), accuracyChange(0), accuracyChange(-7)]).toEqual(['1.25 points lost', '0.00 points lost', '7.00 points gained']);
  });
});

describe('proximal penalties and penx prune on a tiny run', () => {
  const out = join(root, 'runs');
  const dir = join(out, 'l1_1e-4_prox');

  it('penx penalties reads the ,prox mode and refuses it for a penalty without a proximal operator', async () => {
    const ok = await penx('penalties', 'l1:1e-4,prox', 'deadzone:1e-4,a=0.1,prox');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^l1:1e-4,prox\tλ·Σ\|w\|$/m);
    expect(ok.stdout).toMatch(/^deadzone:1e-4,a=0\.1,prox\t/m);
    const bad = await penx('penalties', 'l2:1e-4,prox');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/penalty l2 has no proximal operator/);
    expect(splitSpecList('none,l1:1e-4,prox,deadzone:1e-4,a=0.3,prox')).toEqual(['none', 'l1:1e-4,prox', 'deadzone:1e-4,a=0.3,prox']);
  });

  it('penx train records the prune curve after the last epoch and draws it', async () => {
    const r = await penx('train', '--penalty', 'l1:1e-4,prox', '--epochs', '1', '--out', out, '--portable', ...SMALL);
    expect(r.code, r.stderr).toBe(0);
    const run = readRun(dir);
    expect(run.config.penalty).toBe('l1:1e-4,prox');
    const curve = run.epochs[0]!.prune!;
    expect(curve.global.map((p) => p.level)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 97, 98, 99, 99.5]);
    expect(curve.perLayer.map((p) => p.level)).toEqual(curve.global.map((p) => p.level));
    expect(curve.global[0]!.testAcc).toBe(run.epochs[0]!.testAcc);
    // round(k·n/100) of the n kernel weights are 0 after pruning, or more when the run left more at 0.
    for (const p of curve.global) expect(Math.round(p.zeros * curve.weights)).toBeGreaterThanOrEqual(Math.round((p.level / 100) * curve.weights));
    expect(curve.global.at(-1)!.size.ratio).toBeGreaterThan(50);
    expect(existsSync(join(dir, 'prune-curve.png'))).toBe(true);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('id="prune-curve"');
    // Progress while it is measured: 10 levels × 2 scopes, level 0 once.
    expect(r.stderr).toMatch(/prune curve after epoch 1: 4\/29 evaluations, eta \d+s/);
    expect(r.stderr).toMatch(/prune curve after epoch 1: 29\/29 evaluations, eta 0s/);
  }, 180_000);

  it('penx prune writes the model at the largest level within --max-drop, and a sparse export that reads back to its weights', async () => {
    const curve = readRun(dir).epochs[0]!.prune!;
    const maxDrop = 5;
    const base = curve.global[0]!.testAcc!;
    const expected = curve.global.filter((p) => 100 * (base - p.testAcc!) <= maxDrop + 1e-9).at(-1)!;
    const r = await penx('prune', dir, '--max-drop', String(maxDrop), '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { level: number; testAcc: number; size: { dense: number; sparse: number }; model: string; sparse: string[] };
    expect(result).toMatchObject({ level: expected.level, testAcc: expected.testAcc, size: expected.size });
    const model = await loadModel(join(dir, 'pruned', 'model'));
    const kernels = model.weights.filter((w) => w.originalName.endsWith('kernel')).map((w) => w.read().dataSync() as Float32Array);
    const zeros = kernels.reduce((s, k) => s + k.filter((v) => v === 0).length, 0);
    expect(zeros / curve.weights).toBeCloseTo(expected.zeros, 10);
    expect(statSync(join(dir, 'pruned', 'weights.sparse.bin')).size).toBe(expected.size.sparse);
    const back = await readSparseWeights(join(dir, 'pruned'));
    expect(back.map((w) => w.name)).toEqual(model.weights.map((w) => w.originalName));
    back.forEach((w, i) => {
      const mine = model.weights[i]!.read().dataSync() as Float32Array;
      expect(Buffer.from(w.values.buffer).equals(Buffer.from(mine.buffer, mine.byteOffset, mine.byteLength)), w.name).toBe(true);
    });
    expect(JSON.parse(readFileSync(join(dir, 'pruned', 'prune.json'), 'utf8'))).toMatchObject({ level: expected.level });
    // --json lists every file it wrote, prune.json too, by absolute path: exactly those in the output folder.
    const written = JSON.parse(r.stdout) as { out: string; files: string[] };
    expect(written.out).toBe(join(dir, 'pruned'));
    expect(written.files).toContain(join(dir, 'pruned', 'prune.json'));
    expect([...written.files].sort()).toEqual(filesBelow(join(dir, 'pruned')));

    // The pruned model, and (with --portable) the checkpoint's, load in plain TF.js and predict what this package's loadModel predicts.
    await tf.setBackend('cpu');
    const input = join(root, 'input.json');
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 5);
    writeFileSync(input, JSON.stringify({ values: Array.from(x.dataSync()), shape: x.shape }));
    for (const folder of [join(dir, 'pruned', 'model'), join(dir, 'checkpoint', 'model')]) {
      const ours = await loadModel(folder);
      expect(plainTfjsPredict(folder, input), folder).toEqual({ bits: bitsOf((ours.predict(x) as tf.Tensor).dataSync() as Float32Array) });
      ours.dispose();
    }

    const text = await penx('prune', dir, '--max-drop', '0', '--out', join(root, 'strict'));
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^l1:1e-4,prox: \d+(\.\d+)? % of the kernel weights set to 0 \(global\), after epoch 1$/m);
    expect(text.stdout).toMatch(/KiB dense \(float32\) → .* KiB sparse, [\d.]+× smaller/);
  }, 120_000);

  it('penx prune refuses a run without a prune curve and a bad --max-drop', async () => {
    const run = readRun(dir);
    const bare = join(root, 'bare');
    mkdirSync(bare);
    writeFileSync(join(bare, 'run.json'), JSON.stringify({ ...run, epochs: run.epochs.map(({ prune: _p, ...e }) => e) }));
    const r = await penx('prune', bare);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/run\.json has no prune curve after epoch 1/);
    const bad = await penx('prune', dir, '--max-drop', 'lots');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-drop must be accuracy points/);
  });

  it('a prune curve whose level 0 has no accuracy (an edited record): penx prune and penx summary refused naming the file and the field', async () => {
    const edited = join(root, 'edited');
    cpSync(dir, edited, { recursive: true });
    rmSync(join(edited, 'pruned'), { recursive: true, force: true });
    const run = readRun(edited);
    const [first, ...rest] = run.epochs[0]!.prune!.perLayer;
    const prune = { ...run.epochs[0]!.prune!, perLayer: [{ ...first!, testAcc: null }, ...rest] };
    writeFileSync(join(edited, 'run.json'), JSON.stringify({ ...run, epochs: [{ ...run.epochs[0]!, prune }] }));
    const before = readFileSync(join(edited, 'run.json'), 'utf8');
    const pruned = await penx('prune', edited, '--scope', 'layer');
    expect(pruned.code, pruned.stderr).toBe(2);
    const field = (command: string, scope: string) =>
      new RegExp(
        `^penx: error: ${edited}/run\\.json: epochs\\[0\\]\\.prune\\.${scope}\\[0\\]\\.testAcc is null: .*; ${command} refused: remove that curve's "prune"`,
        'm',
      );
    expect(pruned.stderr).toMatch(field('penx prune', 'perLayer'));
    expect(existsSync(join(edited, 'pruned'))).toBe(false);
    expect(readFileSync(join(edited, 'run.json'), 'utf8')).toBe(before);
    // Summary reads the global curve: the same edit there, beside a sound run, names the edited one.
    writeFileSync(join(edited, 'run.json'), JSON.stringify({ ...run, epochs: [{ ...run.epochs[0]!, prune: { ...prune, global: prune.perLayer } }] }));
    const summary = await penx('summary', dir, edited);
    expect(summary.code, summary.stderr).toBe(2);
    expect(summary.stderr).toMatch(field('penx summary', 'global'));
    expect(summary.stdout).toBe('');
  }, 60_000);

  it('penx prune --json refuses a run whose checkpoint is damaged: exit 2, one message on stderr, nothing on stdout, no output folder', async () => {
    const damaged = join(root, 'damaged');
    cpSync(dir, damaged, { recursive: true });
    rmSync(join(damaged, 'pruned'), { recursive: true, force: true });
    truncateSync(join(damaged, 'checkpoint', 'model', 'weights.bin'), 1000);
    const r = await penx('prune', damaged, '--json');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^penx: error: .*damaged\/checkpoint\/model: cannot be loaded as a TF\.js model \(.+\); train the run again/m);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(damaged, 'pruned'))).toBe(false);
  }, 60_000);

  it('penx prune refuses a run killed between its checkpoint and its run.json: the weights are not those the curve was measured on', async () => {
    // On disk after such a kill: the checkpoint (weights and record) one epoch past run.json.
    const killed = join(root, 'killed');
    cpSync(dir, killed, { recursive: true });
    rmSync(join(killed, 'pruned'), { recursive: true, force: true });
    const saved = readRun(join(killed, 'checkpoint'));
    writeFileSync(join(killed, 'checkpoint', 'run.json'), JSON.stringify({ ...saved, epochs: [...saved.epochs, { ...saved.epochs[0]!, epoch: 2 }] }));
    const r = await penx('prune', killed, '--json');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/checkpoint\/run\.json ends at epoch 2, .*killed\/run\.json at epoch 1: .*penx train --resume/);
    expect(existsSync(join(killed, 'pruned'))).toBe(false);
  }, 60_000);
});
