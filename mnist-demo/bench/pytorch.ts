/**
 * PyTorch beside the backends in `penx bench --all`: bench/pytorch-peer.py (the same model,
 * initialisation, optimiser, penalty, batch and MNIST batches) run by the first Python that can
 * import torch (Debian's python3-torch; never a dependency of this project).
 *
 *   python3, /usr/bin/python3 ─► pytorch-peer.py --json ─► its result, or why it could not run
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundledMnistDir } from '../data/mnist.ts';

/** What the peer measures (the fields of a bench result it has). */
export interface PeerResult {
  readonly backend: 'pytorch';
  readonly version: string;
  readonly threads: number;
  readonly batchSize: number;
  readonly forwardMs: number;
  readonly trainStepMs: number;
  readonly stepToForward: number;
  readonly evalSeconds: number;
  readonly epochSeconds: number;
  readonly msPerSample: number;
}

const PYTHONS = ['python3', '/usr/bin/python3'];

/** The script, next to this module in the sources, or in the repository beside dist/. */
function script(): string | undefined {
  return [new URL('./pytorch-peer.py', import.meta.url), new URL('../bench/pytorch-peer.py', import.meta.url)]
    .map((u) => fileURLToPath(u))
    .find((p) => existsSync(p));
}

function run(python: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', () => resolve({ code: null, stdout, stderr }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Time PyTorch on `threads` threads at `batchSize` for `steps` steps; its result, or the reason it did not run. */
export async function pytorchPeer(threads: number, batchSize: number, steps: number, evalImages?: number): Promise<PeerResult | string> {
  const path = script();
  if (!path) return 'pytorch-peer.py is not here (it is in the repository, not in the package)';
  const args = [
    path,
    '--json',
    '--threads',
    String(threads),
    '--batch-size',
    String(batchSize),
    '--steps',
    String(steps),
    '--data',
    bundledMnistDir(),
    ...(evalImages ? ['--eval-images', String(evalImages)] : []),
  ];
  let why = 'no python3 found';
  for (const python of PYTHONS) {
    const r = await run(python, args);
    if (r.code === 0) return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as PeerResult;
    if (r.code === null) continue;
    why =
      r.code === 3
        ? `PyTorch is not installed for ${python} (Debian: apt-get install python3-torch)`
        : `${python} ${path} failed: ${r.stderr.trim().split('\n').at(-1) ?? `exit ${r.code}`}`;
  }
  return why;
}
