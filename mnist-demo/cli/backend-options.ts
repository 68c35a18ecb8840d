/** The `--backend`, `--threads` and `--parallel` options every computing command takes (started by actions/backend.ts). */
import { Option, type Command } from 'commander';
import { BACKENDS, PARALLEL_MODES, type ParallelMode } from '../../src/backends/choices.ts';

export interface BackendFlags {
  readonly backend: string;
  readonly threads?: string;
  readonly parallel: ParallelMode;
}

export function addBackendOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
    .option('--threads <n>', 'threads (cores) to train on (default: one per core)')
    .addOption(
      new Option('--parallel <mode>', "how the threads share the work: 'data' cuts each batch among worker threads, 'threads' uses the backend's own threads (wasm's threaded build, ONNX Runtime's pool)")
        .choices(PARALLEL_MODES)
        .default('data'),
    );
}

