/**
 * A run on the onnxruntime backend killed after an epoch and resumed ends with the same weights
 * (bit for bit) as an uninterrupted one: the fused graph (the reference model's path) is
 * deterministic. The real command line, on a tiny slice of MNIST.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { penx, spawnPenx } from '../cli/run-penx.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-ort-resume-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const ARGS = [
  '--backend',
  'onnxruntime',
  '--penalty',
  'l2:1e-4',
  '--epochs',
  '3',
  '--train-size',
  '512',
  '--test-size',
  '128',
  '--batch-size',
  '64',
  '--threads',
  '2',
  '--prune-epochs',
  'none',
  // The weights are compared, not the figures (drawing them is most of such a run's time).
  '--no-figures',
];

/** Start a run and kill it (SIGKILL) once its checkpoint has at least one finished epoch; the epochs it had. */
async function killAfterFirstEpoch(out: string): Promise<number> {
  const child = spawnPenx('train', ...ARGS, '--out', out, '--name', 'r');
  const runJson = join(out, 'r', 'checkpoint', 'run.json');
  let epochs = -1;
  while (child.exitCode === null) {
    await new Promise((res) => setTimeout(res, 20));
    if (!existsSync(runJson)) continue;
    try {
      epochs = (JSON.parse(readFileSync(runJson, 'utf8')) as { epochs: unknown[] }).epochs.length;
    } catch {
      continue;
    }
    if (epochs >= 1) {
      child.kill('SIGKILL');
      break;
    }
  }
  if (child.exitCode === null && child.signalCode === null) await new Promise((res) => child.once('exit', res));
  return epochs;
}

describe('resume on onnxruntime', () => {
  it('after kill -9, --resume ends with the same weights as an uninterrupted run', async () => {
    const killedOut = join(root, 'killed');
    const epochsAtKill = await killAfterFirstEpoch(killedOut);
    expect(epochsAtKill).toBeGreaterThanOrEqual(1);
    expect(epochsAtKill).toBeLessThan(3);
    const resumed = await penx('train', ...ARGS, '--out', killedOut, '--name', 'r', '--resume');
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^backend: onnxruntime, 2 threads/m);
    expect(resumed.stderr).toMatch(/resuming after epoch [12]/);
    const straight = await penx('train', ...ARGS, '--out', join(root, 'straight'), '--name', 'r');
    expect(straight.code, straight.stderr).toBe(0);
    // The reference model trains through the fused graph, in both runs.
    for (const out of [killedOut, join(root, 'straight')]) {
      const run = JSON.parse(readFileSync(join(out, 'r', 'run.json'), 'utf8')) as { config: { gradients?: string }; sessions?: Array<{ gradients?: string }> };
      expect(run.config.gradients).toBe('fused');
      expect(run.sessions?.every((s) => s.gradients === 'fused')).toBe(true);
    }
    const a = readFileSync(join(killedOut, 'r', 'checkpoint', 'model', 'weights.bin'));
    const b = readFileSync(join(root, 'straight', 'r', 'checkpoint', 'model', 'weights.bin'));
    expect(a.equals(b)).toBe(true);
  }, 240_000);
});
