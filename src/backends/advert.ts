/**
 * TF.js's `cpu` backend prints "Hi, looks like you are running TensorFlow.js in Node.js…" on stderr
 * the first time it computes in Node. The command line says plainly which backend it uses instead.
 */
import { tf } from '../tf.ts';
import { silenceAdvert } from './onnxruntime/index.ts';

/** Mark the cpu backend as already used, so it prints no advert (it is made here if it was not yet). */
export function silenceCpuAdvert(): void {
  silenceAdvert(tf.findBackend('cpu'));
}

/**
 * Compute on the quiet cpu backend until a backend is chosen: checking specs and modules runs on
 * small probe tensors, which must not pick (and start) another backend by its priority.
 */
export async function useQuietCpu(): Promise<void> {
  silenceCpuAdvert();
  await tf.setBackend('cpu');
}
