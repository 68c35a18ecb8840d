/**
 * The stock `cpu` backend's training speed, timed in a thread of its own: a fresh JavaScript
 * isolate, so the reference is not skewed by the state the fast backend left behind (in the same
 * thread it measured up to 3.5× slower after a one-thread wasm run).
 *
 *   cpuMsPerStep(batch, steps, optimizer) ─► Worker(bench-cpu-worker.mjs ─► bench-cpu-main.ts):
 *                                   cpu backend, warm-up, steps ─► median ms
 */
import { Worker } from 'node:worker_threads';

/** What `cpuMsPerStep` times: the batch size, the steps and the optimiser. */
export interface CpuJob {
  readonly batchSize: number;
  readonly steps: number;
  /** The optimiser's spec. */
  readonly optimizer: string;
}

/** Median milliseconds of a training step on the cpu backend, measured in a new thread. */
export function cpuMsPerStep(job: CpuJob): Promise<number> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./bench-cpu-worker.mjs', import.meta.url), { workerData: job });
    w.once('message', (m: { ms?: number; error?: string }) =>
      m.error !== undefined ? reject(new Error(`cpu timing failed: ${m.error}`)) : resolve(m.ms as number),
    );
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`the cpu timing thread exited (code ${code})`)));
  });
}
