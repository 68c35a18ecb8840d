/** The `--backend` and `--threads` options every computing command takes, and starting the backend. */
import { Option, type Command } from 'commander';
import { BACKENDS, selectBackend, type BackendInfo } from '../../src/index.ts';
import { wholeNumber } from './numbers.ts';

export interface BackendFlags {
  readonly backend: string;
  readonly threads?: string;
}

export function addBackendOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
    .option('--threads <n>', 'threads for the wasm backend (default: one per core)');
}

/** Start the chosen backend and say which one (and how many threads) on stderr. */
export async function startBackend(flags: BackendFlags): Promise<BackendInfo> {
  const threads = wholeNumber(flags.threads, '--threads', 1);
  const info = await selectBackend(flags.backend, threads === undefined ? {} : { threads });
  console.error(`backend: ${info.name}, ${info.threads} thread${info.threads === 1 ? '' : 's'}${info.note ? ` (${info.note})` : ''}`);
  return info;
}
