/** The `--backend`, `--threads` and `--parallel` options every computing command takes (started by actions/backend.ts). */
import { type Command, Option } from 'commander';
import type { BackendChoice, ParallelMode } from 'penalty-explorer/node';

/**
 * The backends and parallel modes the flags offer: the library's (the types are checked to list
 * every one, so a backend added to the library fails to compile here until it is offered). Listed
 * here, not imported, so defining the commands loads no TF.js and `penx --help` starts fast.
 */
const BACKENDS = ['auto', 'tensorflow', 'onnxruntime', 'wasm', 'cpu'] as const satisfies readonly BackendChoice[];
const PARALLEL_MODES = ['data', 'threads'] as const satisfies readonly ParallelMode[];
const offersEvery: [Exclude<BackendChoice, (typeof BACKENDS)[number]>, Exclude<ParallelMode, (typeof PARALLEL_MODES)[number]>] extends [never, never]
  ? true
  : never = true;
void offersEvery;

/** The `--backend`, `--threads` and `--parallel` flags, as commander gives them. */
export interface BackendFlags {
  readonly backend: string;
  readonly threads?: string;
  readonly parallel: ParallelMode;
}

/** `cmd` with the `--backend`, `--threads` and `--parallel` options. */
export function addBackendOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend').choices(BACKENDS).default('auto'))
    .option('--threads <n>', 'threads (cores) to train on (default: one per core)')
    .addOption(
      new Option(
        '--parallel <mode>',
        "how the threads share the work: 'data' cuts each batch among worker threads, 'threads' uses the backend's own threads (wasm's threaded build, ONNX Runtime's pool)",
      )
        .choices(PARALLEL_MODES)
        .default('data'),
    );
}
