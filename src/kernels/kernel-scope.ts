/**
 * Running a backend's own kernels from inside another kernel, with every intermediate freed:
 *
 *   const s = new KernelScope(backend, 'wasm');
 *   const t = s.run('Transpose', { x }, { perm });   // intermediate, freed by s.dispose()
 *   return s.keep(s.run('Conv2D', …));               // the result, kept
 *
 * Kernels call kernels directly (not TF.js ops), so nothing lands on the gradient tape or in the
 * engine's tensor count.
 */
import { tf } from '../tf.ts';

type TensorInfo = tf.TensorInfo;
type Backend = tf.KernelBackend;

/** Runs a backend's own kernels and frees every intermediate on `dispose` but those kept (see the file's comment). */
export class KernelScope {
  private readonly owned: TensorInfo[] = [];

  constructor(
    readonly backend: Backend,
    readonly backendName: string,
  ) {}

  /** The output of kernel `kernelName` on these inputs, freed by dispose() unless kept. */
  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown> = {}): TensorInfo {
    const kernel = tf.getKernel(kernelName, this.backendName);
    if (!kernel) throw new Error(`kernel ${kernelName} is not registered for backend ${this.backendName}`);
    const out = kernel.kernelFunc({ inputs, attrs: attrs as tf.NamedAttrMap, backend: this.backend }) as TensorInfo;
    this.owned.push(out);
    return out;
  }

  /** Track a tensor made outside `run` (by a heap loop) so dispose() frees it. */
  adopt(info: TensorInfo): TensorInfo {
    this.owned.push(info);
    return info;
  }

  /** Keep `info` past dispose(): it is the kernel's result. */
  keep(info: TensorInfo): TensorInfo {
    const i = this.owned.indexOf(info);
    if (i >= 0) this.owned.splice(i, 1);
    return info;
  }

  /** Free every tensor made or adopted here and not kept. */
  dispose(): void {
    for (const info of this.owned.splice(0)) this.backend.disposeData(info.dataId);
  }
}

/** Run `body` in a scope and free every intermediate it made, even when it throws. */
export function withScope(backend: Backend, backendName: string, body: (s: KernelScope) => TensorInfo): TensorInfo {
  const scope = new KernelScope(backend, backendName);
  try {
    return scope.keep(body(scope));
  } finally {
    scope.dispose();
  }
}
