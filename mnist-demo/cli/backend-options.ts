/** The `--backend`, `--threads` and `--parallel` options every computing command takes, and starting the backend. */
import { Option, type Command } from 'commander';
import { BACKENDS, PARALLEL_MODES, selectBackend, type BackendInfo, type ParallelMode } from '../../src/index.ts';
import { wholeNumber } from './numbers.ts';

export interface BackendFlags {
  readonly backend: string;
  readonly threads?: string;
  readonly parallel: ParallelMode;
}

export function addBackendOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
    .option('--threads <n>', 'threads (cores) for the wasm backend (default: one per core)')
    .addOption(
      new Option('--parallel <mode>', "how wasm uses the threads: 'data' cuts each batch among worker threads, 'threads' uses wasm's threaded build")
        .choices(PARALLEL_MODES)
        .default('data'),
    );
}

/** Start the chosen backend and say which one (and how many threads) on stderr. */
export async function startBackend(flags: BackendFlags): Promise<BackendInfo> {
  const threads = wholeNumber(flags.threads, '--threads', 1);
  const info = await selectBackend(flags.backend, { parallel: flags.parallel, ...(threads === undefined ? {} : { threads }) });
  console.error(`backend: ${describeBackend(info)}`);
  return info;
}

/** e.g. `wasm, 2 threads (data-parallel)`. */
export function describeBackend(info: BackendInfo): string {
  const how = info.name !== 'wasm' || info.threads === 1 ? '' : info.parallel === 'data' ? ' (data-parallel)' : " (wasm's threaded build)";
  return `${info.name}, ${info.threads} thread${info.threads === 1 ? '' : 's'}${how}${info.note ? ` (${info.note})` : ''}`;
}
