/** The body of the cpu timing thread started by bench-cpu.ts. */
import { parentPort, workerData } from 'node:worker_threads';
import { silenceCpuAdvert, tf } from 'penalty-explorer/node';
import { median, stepper, timeCalls } from './bench.ts';
import type { CpuJob } from './bench-cpu.ts';

const port = parentPort;
if (!port) throw new Error('bench-cpu-main.ts runs in a worker thread');
try {
  const { batchSize, steps, optimizer } = workerData as CpuJob;
  // The cpu backend prints an advert for tfjs-node on first use; the bench says what it is.
  silenceCpuAdvert();
  await tf.setBackend('cpu');
  const cpu = await stepper(batchSize, optimizer);
  const ms = median(await timeCalls(cpu.step, 1, steps));
  cpu.dispose();
  port.postMessage({ ms });
} catch (e) {
  port.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
