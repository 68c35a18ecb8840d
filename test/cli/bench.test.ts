import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { penx, penxWith, tfjsNodeInstalled } from './run-penx.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-bench-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The small bench every test runs: batch 8 over 2 steps, 1 cpu sample, 256 test images, 2 threads. */
const SMALL = ['--batch-size', '8', '--steps', '2', '--cpu-batch-size', '1', '--eval-images', '256', '--threads', '2'];

/** `penx bench --json` on `backend`, SMALL, and `extra` flags after it (the last of a repeated flag counts). */
const smallBench = (backend: string, ...extra: string[]) => penx('bench', '--backend', backend, '--json', ...SMALL, ...extra);

describe('penx bench', () => {
  it('prints one JSON object with the measured fields', async () => {
    // The stock cpu step (the speed-up's reference) is timed once, in the --all test below.
    const r = await smallBench('wasm', '--cpu-steps', '0');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^backend: wasm, 2 threads \(data-parallel\)/m);
    const j = JSON.parse(r.stdout) as Record<string, number | string>;
    for (const key of [
      'backend',
      'threads',
      'gradients',
      'batchSize',
      'forwardMs',
      'trainStepMs',
      'meanStepMs',
      'stepCpuTimeMs',
      'coresBusy',
      'firstStepMs',
      'evalSeconds',
      'snapshotSeconds',
      'epochSeconds',
      'peakRssMb',
    ]) {
      expect(j, key).toHaveProperty(key);
    }
    expect(j).toMatchObject({ backend: 'wasm', threads: 2, parallel: 'data', gradients: 'per-kernel', batchSize: 8 });
    // Their ratio as reported (not which is larger: two timings of 2 samples each, on cores shared with other work).
    expect(j['forwardMs']).toBeGreaterThan(0);
    const ratio = (j['trainStepMs'] as number) / (j['forwardMs'] as number);
    expect(Math.abs((j['stepToForward'] as number) / ratio - 1)).toBeLessThan(0.02);
    // An epoch is its 7 500 steps of 8 samples (at the mean step: slow steps count), the test set's evaluation and the snapshot.
    const [step, evaluation, snapshot] = [j['meanStepMs'], j['evalSeconds'], j['snapshotSeconds']] as number[];
    expect(evaluation).toBeGreaterThan(0);
    expect(snapshot).toBeGreaterThan(0);
    expect(j['epochSeconds'] as number).toBeGreaterThan((7500 * step!) / 1000);
    expect(j['epochSeconds'] as number).toBeGreaterThan(evaluation! + snapshot!);
    // The process's CPU time per step (every thread's), and the cores it kept busy: that time per wall-clock step.
    expect(j['stepCpuTimeMs']).toBeGreaterThan(0);
    expect(j['coresBusy'] as number).toBeCloseTo((j['stepCpuTimeMs'] as number) / (j['meanStepMs'] as number), 1);
    expect(j['tensorsAfterSteps']).toBe(j['tensorsAfterWarmup']);

    // Against a clock of its own: an epoch penx train really ran on the same backend, threads and batch
    // (64 images: 8 steps of 8, then 256 test images evaluated and the snapshot), timed in its record.
    const t = await penx(
      'train',
      '--penalty',
      'l1:1e-4',
      '--epochs',
      '1',
      '--train-size',
      '64',
      '--test-size',
      '256',
      '--batch-size',
      '8',
      '--backend',
      'wasm',
      '--threads',
      '2',
      // The prune curve and the figures after the epoch are not part of its time.
      '--prune-epochs',
      'none',
      '--no-figures',
      '--out',
      root,
      '--name',
      'timed',
    );
    expect(t.code, t.stderr).toBe(0);
    const ran = (JSON.parse(readFileSync(join(root, 'timed', 'run.json'), 'utf8')) as { epochs: Array<{ seconds: number }> }).epochs[0]!.seconds;
    const projected = (8 * step!) / 1000 + (evaluation! * 256) / 10_000 + snapshot!;
    // Generous: other work shares these cores, and the real epoch's first steps are its slowest.
    expect(ran / projected, `penx train: ${ran} s, bench's projection of it: ${projected} s`).toBeGreaterThan(1 / 3);
    expect(ran / projected, `penx train: ${ran} s, bench's projection of it: ${projected} s`).toBeLessThan(3);
  }, 240_000);

  it("runs on wasm's threaded build with --parallel threads", async () => {
    const r = await smallBench('wasm', '--batch-size', '4', '--steps', '1', '--parallel', 'threads', '--cpu-steps', '0');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^backend: wasm, 2 threads \(wasm's threaded build\)/m);
    const j = JSON.parse(r.stdout) as Record<string, number | string>;
    expect(j['parallel']).toBe('threads');
    expect(j['threads']).toBe(2);
    expect(j['batchSize']).toBe(4);
  }, 120_000);

  it('runs on onnxruntime through the fused graph, data-parallel by default (a shard on a worker thread); --cpu-steps 0 leaves the cpu out', async () => {
    const r = await smallBench('onnxruntime', '--cpu-steps', '0');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^backend: onnxruntime, 2 threads/m);
    expect(r.stderr).toMatch(/the first 2 batches of a real run at batch 8 \(fused\)/);
    const j = JSON.parse(r.stdout) as Record<string, number | string>;
    expect(j).toMatchObject({ backend: 'onnxruntime', threads: 2, parallel: 'data', gradients: 'fused', batchSize: 8 });
    // The reference's optimiser unless another is given, as penx train records it.
    expect(j['optimizer']).toBe('adadelta:lr=1,rho=0.95,eps=1e-7');
    // Their ratio as reported (not which is larger: two timings of 2 samples each, on cores shared with other work).
    expect(j['forwardMs']).toBeGreaterThan(0);
    const ratio = (j['trainStepMs'] as number) / (j['forwardMs'] as number);
    expect(Math.abs((j['stepToForward'] as number) / ratio - 1)).toBeLessThan(0.02);
    expect(j).not.toHaveProperty('cpuMsPerSample');
    expect(j).not.toHaveProperty('speedupVsCpu');
    expect(r.stderr).not.toMatch(/cpu: \d+ training step/);
    expect(j['tensorsAfterSteps']).toBe(j['tensorsAfterWarmup']);
  }, 120_000);

  it('--optimizer times the optimiser given (the timed run takes its steps: an absurd rate diverges); a bad spec is refused with exit 2', async () => {
    const r = await smallBench('onnxruntime', '--cpu-steps', '0', '--optimizer', 'adam:lr=1e-3');
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ optimizer: 'adam:lr=0.001,beta1=0.9,beta2=0.999,eps=1e-7', gradients: 'fused' });
    const wild = await smallBench('onnxruntime', '--cpu-steps', '0', '--optimizer', 'sgd:lr=1e12');
    expect(wild.code).toBe(1);
    expect(wild.stderr).toMatch(/loss became NaN or infinite/);
    const bad = await smallBench('onnxruntime', '--optimizer', 'adamx');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown optimizer 'adamx'.*Accepted: sgd, momentum, adam/);
  }, 120_000);

  it('--all times every backend that starts, in one process: a JSON array, or a table side by side', async () => {
    const small = [...SMALL, '--batch-size', '4', '--steps', '1'];
    const r = await penx('bench', '--all', '--json', ...small);
    expect(r.code, r.stderr).toBe(0);
    const all = JSON.parse(r.stdout) as Array<Record<string, number | string>>;
    const names = all.map((j) => j['backend']);
    expect(names.filter((n) => n !== 'pytorch')).toEqual([...(tfjsNodeInstalled() ? ['tensorflow'] : []), 'onnxruntime', 'wasm']);
    if (!tfjsNodeInstalled()) expect(r.stderr).toMatch(/^backend tensorflow: skipped \(backend 'tensorflow' is unavailable/m);
    const backends = all.filter((j) => j['backend'] !== 'pytorch');
    for (const j of backends) {
      expect(j).toMatchObject({ threads: 2, batchSize: 4, cpuBatchSize: 1 });
      // The cpu reference, timed once for all of them; every backend beats it.
      expect(j['cpuMsPerSample']).toBe(all[0]!['cpuMsPerSample']);
      expect(j['speedupVsCpu']).toBeGreaterThan(1);
      expect(j['tensorsAfterSteps']).toBe(j['tensorsAfterWarmup']);
    }
    // PyTorch beside them when it imports here (Debian's python3-torch), else a line saying why not.
    const peer = all.find((j) => j['backend'] === 'pytorch');
    if (peer) expect(peer).toMatchObject({ threads: 2, batchSize: 4 });
    else expect(r.stderr).toMatch(/^pytorch: skipped \(/m);
    expect(all.at(-1)!['backend']).toBe(peer ? 'pytorch' : 'wasm');
    // The table printed without --json: these results side by side (the cpu reference left out, as --cpu-steps 0 gives them).
    const { benchTable } = await import('../../mnist-demo/cli/actions/bench.ts');
    const table = benchTable(all.map(({ cpuMsPerSample: _cpu, speedupVsCpu: _speedup, ...rest }) => rest) as unknown as Parameters<typeof benchTable>[0]);
    const t = { stdout: `${table}\n` };
    expect(t.stdout).toMatch(new RegExp(`^measure +(tensorflow +)?onnxruntime +wasm${peer ? ' +pytorch' : ''}$`, 'm'));
    expect(t.stdout).toMatch(/^one epoch \(60 000 samples, evaluation, snapshot\) +[\d.]+ s +[\d.]+ s/m);
    expect(t.stdout).toMatch(/^optimiser +adadelta:lr=1,rho=0.95,eps=1e-7 +adadelta:lr=1,rho=0.95,eps=1e-7/m);
    expect(t.stdout).toMatch(/^cpu backend, batch 1 +not timed \(--cpu-steps 0\) +not timed/m);
  }, 240_000);

  it('refuses an unknown backend, parallel mode or a bad thread count with exit 2', async () => {
    const a = await penx('bench', '--backend', 'gpu');
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/Allowed choices are auto, tensorflow, onnxruntime, wasm, cpu/);
    const p = await penx('bench', '--parallel', 'gpus');
    expect(p.code).toBe(2);
    expect(p.stderr).toMatch(/Allowed choices are data, threads/);
    const b = await penx('bench', '--threads', '0');
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--threads must be a whole number ≥ 1, got '0'/);
    // Each is refused, not ignored (a tiny bench would run if it were): --backend beside --all,
    // which times every backend; more test images than MNIST has.
    const tiny = ['--steps', '1', '--cpu-steps', '0', '--batch-size', '4', '--threads', '1'];
    for (const [flags, message] of [
      [['--all', '--backend', 'wasm', '--eval-images', '10'], "error: option '--all' cannot be used with option '--backend <name>'"],
      [['--eval-images', '10001', '--backend', 'onnxruntime'], "penx: error: --eval-images must be a whole number ≥ 1 and ≤ 10000, got '10001'"],
    ] as const) {
      const r = await penxWith({ timeoutMs: 60_000 }, 'bench', ...flags, ...tiny);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(message);
    }
    if (!tfjsNodeInstalled()) {
      const c = await penx('bench', '--backend', 'tensorflow');
      expect(c.code).toBe(2);
      expect(c.stderr).toMatch(/backend 'tensorflow' is unavailable/);
    }
  }, 60_000);
});
