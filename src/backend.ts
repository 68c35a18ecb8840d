/**
 * Choosing the TensorFlow.js backend. `auto` takes `tensorflow` (native libtensorflow through the
 * optional `@tensorflow/tfjs-node`) when it loads, else the pure-JavaScript `cpu` backend, which
 * trains everything but slowly.
 */
import { createRequire } from 'node:module';
import { tf } from './tf.ts';
import { SpecError } from './spec/errors.ts';

export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export interface BackendInfo {
  readonly name: string;
  readonly note?: string;
}

function tryLoadTfjsNode(): boolean {
  try {
    createRequire(import.meta.url)('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

/** Select and initialise a backend; throws a SpecError for an unknown or unavailable choice. */
export async function selectBackend(choice: string = 'auto'): Promise<BackendInfo> {
  if (!(BACKENDS as readonly string[]).includes(choice)) {
    throw new SpecError(`unknown backend '${choice}'; expected one of ${BACKENDS.join(', ')}`);
  }
  let note: string | undefined;
  if (choice === 'tensorflow' || choice === 'auto') {
    if (tryLoadTfjsNode() && (await tf.setBackend('tensorflow'))) return { name: 'tensorflow' };
    if (choice === 'tensorflow') throw new SpecError(`backend 'tensorflow' is unavailable: @tensorflow/tfjs-node did not load (its libtensorflow is not installed)`);
    note = '@tensorflow/tfjs-node is not available; using the slow pure-JavaScript cpu backend';
  }
  if (choice === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    if (await tf.setBackend('wasm')) return { name: 'wasm', note: 'the stock wasm backend cannot train Conv2D layers' };
    throw new SpecError(`backend 'wasm' failed to initialise`);
  }
  await tf.setBackend('cpu');
  // The cpu backend prints an advert for tfjs-node on first use; the note above says it plainly.
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  return note ? { name: 'cpu', note } : { name: 'cpu' };
}
