/**
 * The wasm backend's multi-threaded build (XNNPACK over a pthread pool), started under Node.
 *
 * TF.js never starts it in Node (its feature test answers false there, tensorflow/tfjs#3830) and
 * hands Emscripten the worker and main scripts as Blob URLs, which Node's worker_threads cannot
 * load. Here the `wasm` backend is registered with the same module, given the module's own script
 * file and the worker script written to a temporary folder (removed at exit).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { processAlive } from '../io/index.ts';
import { tf } from '../tf.ts';

const require = createRequire(import.meta.url);

interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: number[]) => number;
  tfjs?: Record<string, unknown>;
}
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

/** Temporary folders of the worker script: `penx-wasm-<pid>-<random>`, removed at exit. */
const TMP_PREFIX = 'penx-wasm-';

/** Remove the folders that processes killed before their exit left behind (their pid is gone). */
export function removeStaleWasmFolders(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = name.startsWith(TMP_PREFIX) ? Number(/^(\d+)-/.exec(name.slice(TMP_PREFIX.length))?.[1]) : 0;
    if (pid && pid !== process.pid && !processAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** Register the threaded `wasm` backend with `threads` threads (call before tf.setBackend('wasm')). */
export function registerThreadedWasm(threads: number, priority = 2): void {
  const wasmPkg = require('@tensorflow/tfjs-backend-wasm') as { BackendWasm: new (m: unknown) => tf.KernelBackend; setThreadsCount(n: number): void };
  const outDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
  const factory = require(join(outDir, 'tfjs-backend-wasm-threaded-simd.js')) as Factory;
  const { wasmWorkerContents } = require(join(outDir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };

  removeStaleWasmFolders();
  const dir = mkdtempSync(join(tmpdir(), `${TMP_PREFIX}${process.pid}-`));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const workerPath = join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js');
  // The workers evaluate the module's own script file, which is already on disk.
  const mainPath = join(outDir, 'tfjs-backend-wasm-threaded-simd.js');
  // As TF.js does before making its Blob: the source holds literal newlines inside string literals.
  writeFileSync(workerPath, wasmWorkerContents.replace(/\n/g, '\\n'));

  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      // The module sizes its thread pool at start-up as (logical cores / 2), assuming two
      // hyper-threads a core, i.e. 1 thread on a 2-core machine; Emscripten reads the core count
      // from os.cpus() under Node, so report 2·threads cores while the module starts.
      const realCpus = os.cpus;
      os.cpus = () => Array.from({ length: 2 * threads }, () => realCpus()[0]!);
      const module = await factory({
        mainScriptUrlOrBlob: mainPath,
        locateFile: (path: string, prefix: string) =>
          path.endsWith('.worker.js') ? workerPath : path.endsWith('.wasm') ? join(outDir, 'tfjs-backend-wasm-threaded-simd.wasm') : prefix + path,
      }).finally(() => {
        os.cpus = realCpus;
      });
      module.tfjs = {
        init: module.cwrap('init', null, []),
        initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
        getThreadsCount: module.cwrap('get_threads_count', 'number', []),
        registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
        disposeData: module.cwrap('dispose_data', null, ['number']),
        dispose: module.cwrap('dispose', null, []),
      };
      wasmPkg.setThreadsCount(threads);
      return new wasmPkg.BackendWasm(module);
    },
    priority,
  );
}
