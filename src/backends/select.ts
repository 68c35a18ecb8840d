/**
 * Choosing the TensorFlow.js backend:
 *
 *   auto ──► tensorflow   when @tensorflow/tfjs-node loads (native libtensorflow)
 *        └─► wasm         XNNPACK, this project's training kernels, a thread per core
 *        └─► cpu          pure JavaScript, about a day per MNIST epoch: warned loudly
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { tf } from '../tf.ts';
import { SpecError } from '../spec/errors.ts';
import { registerWasmTrainingKernels } from './wasm-training.ts';
import { registerThreadedWasm } from './wasm-threads.ts';

export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

export interface BackendInfo {
  /** The backend in use: tensorflow, wasm or cpu. */
  readonly name: string;
  /** Threads its kernels use. */
  readonly threads: number;
  /** Why `auto` fell back, or what to know about this backend. */
  readonly note?: string;
}

export interface BackendOptions {
  /** Threads for the wasm backend; default: one per core. */
  readonly threads?: number;
}

const require = createRequire(import.meta.url);
let current: BackendInfo | undefined;

function tfjsNodeLoads(): boolean {
  try {
    require('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

async function startWasm(threads: number): Promise<boolean> {
  require('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  if (threads > 1) registerThreadedWasm(threads);
  try {
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

/**
 * Select and initialise a backend; throws a SpecError for an unknown or unavailable choice.
 * Once a backend is up it stays for the process (switching would re-start the wasm module).
 */
export async function selectBackend(choice: string = 'auto', options: BackendOptions = {}): Promise<BackendInfo> {
  if (!(BACKENDS as readonly string[]).includes(choice)) {
    throw new SpecError(`unknown backend '${choice}'; expected one of ${BACKENDS.join(', ')}`);
  }
  const threads = options.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new SpecError(`threads must be a whole number ≥ 1, got ${threads}`);
  if (current && (choice === 'auto' || choice === current.name)) {
    await tf.setBackend(current.name);
    return current;
  }
  let note: string | undefined;
  if (choice === 'tensorflow' || choice === 'auto') {
    if (tfjsNodeLoads() && (await tf.setBackend('tensorflow'))) return (current = { name: 'tensorflow', threads: os.availableParallelism() });
    if (choice === 'tensorflow') {
      throw new SpecError(`backend 'tensorflow' is unavailable: @tensorflow/tfjs-node did not load (its libtensorflow is not installed); use --backend auto or wasm`);
    }
    note = '@tensorflow/tfjs-node is not available';
  }
  if (choice === 'wasm' || choice === 'auto') {
    if (await startWasm(threads)) {
      const actual = (require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount(): number }).getThreadsCount();
      return (current = { name: 'wasm', threads: actual, ...(note ? { note: `${note}; using wasm` } : {}) });
    }
    if (choice === 'wasm') throw new SpecError(`backend 'wasm' failed to initialise`);
    note = `${note ?? ''}; wasm did not start`;
  }
  await tf.setBackend('cpu');
  // The cpu backend prints an advert for tfjs-node on first use; we say it plainly instead.
  (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
  current = { name: 'cpu', threads: 1, ...(choice === 'auto' ? { note: `WARNING: ${note}; training on the pure-JavaScript cpu backend is very slow (about a day per MNIST epoch)` } : {}) };
  return current;
}

/** The backend chosen by `selectBackend`, if any. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}
