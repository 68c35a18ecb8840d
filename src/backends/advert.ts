/**
 * TF.js's `cpu` backend prints "Hi, looks like you are running TensorFlow.js in Node.js…" on stderr
 * the first time it computes in Node. The command line says plainly which backend it uses instead.
 */
import { tf } from '../tf.ts';

/**
 * Switch off a cpu backend instance's first-use advert for tfjs-node (its `firstUse` flag, a TF.js
 * internal: the onnxruntime backend's list of them, runtime/tfjs-internals.ts, re-exports this).
 * Here, not in onnxruntime/, so choosing the cpu or wasm backend loads none of ONNX Runtime's modules.
 *
 * @example
 * silenceAdvert(tf.findBackend('cpu'));   // its first computation prints nothing
 */
export function silenceAdvert(backend: tf.KernelBackend | null | undefined): void {
  if (backend) (backend as unknown as { firstUse?: boolean }).firstUse = false;
}

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
