/** Starting the backend the options chose, and saying which (with how many threads) on stderr. */
import os from 'node:os';
import { type BackendInfo, selectBackend } from 'penalty-explorer/node';
import { counted } from '../../words.ts';
import type { BackendFlags } from '../backend-options.ts';
import { threadsFlag } from '../flag-values.ts';

/** Start the chosen backend and say which one (and how many threads) on stderr. */
export async function startBackend(flags: BackendFlags): Promise<BackendInfo> {
  let threads = threadsFlag(flags.threads);
  const cores = os.availableParallelism();
  if (threads !== undefined && threads > cores) {
    console.error(`penx: --threads ${threads} is more than the ${cores} cores here; using ${cores}`);
    threads = cores;
  }
  const info = await selectBackend(flags.backend, { parallel: flags.parallel, ...(threads === undefined ? {} : { threads }) });
  console.error(`backend: ${describeBackend(info)}`);
  return info;
}

/** e.g. `wasm, 2 threads (data-parallel)`, `onnxruntime, 2 threads (its own threads)`. */
export function describeBackend(info: BackendInfo): string {
  const own = info.name === 'wasm' ? " (wasm's threaded build)" : ' (its own threads)';
  const how = info.threads === 1 || info.name === 'tensorflow' || info.name === 'cpu' ? '' : info.parallel === 'data' ? ' (data-parallel)' : own;
  return `${info.name}, ${counted(info.threads, 'thread')}${how}${info.note ? ` (${info.note})` : ''}`;
}
