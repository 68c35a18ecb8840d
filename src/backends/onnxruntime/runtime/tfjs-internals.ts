/**
 * Every part of TF.js that the onnxruntime backend uses beyond TF.js's public API, in one place,
 * typed. The backend is a TF.js `cpu` backend instance under another name whose storage it
 * watches and whose kernels it replaces, so it needs:
 *
 *   engine().registryFactory            whether a backend name is registered
 *   findBackend('cpu').constructor      the cpu backend's class, to make an instance of our own
 *   backend.firstUse                    the cpu backend's "install tfjs-node" advert, switched off
 *   backend.data (get, has)             its DataStorage: each tensor's TypedArray by dataId
 *   backend.write/move/disposeData/readSync/read/incRef/decRef/refCount/makeTensorInfo
 *                                       storage methods, wrapped to see views made and freed
 *   engine().state.gradientDepth        whether a tape records a gradient (Relu's gradient)
 *
 * test/backends/tfjs-internals.test.ts checks each against the installed TF.js, and fails when a
 * version changes one of them; package.json's peer range admits only the versions tested.
 */
import { tf } from '../../../tf.ts';

/** A tensor's entry in the cpu backend's storage. */
export interface StoredData {
  values?: unknown;
}

/** The cpu backend's storage methods, as this backend reads and wraps them. */
export interface HostStorage {
  data: { get(dataId: tf.DataId): StoredData | undefined; has(dataId: tf.DataId): boolean };
  write(values: unknown, shape: number[], dtype: tf.DataType): tf.DataId;
  move(dataId: tf.DataId, values: unknown, shape: number[], dtype: tf.DataType, refCount: number): void;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  readSync(dataId: tf.DataId): unknown;
  read(dataId: tf.DataId): Promise<unknown>;
  incRef(dataId: tf.DataId): void;
  decRef(dataId: tf.DataId): void;
  refCount(dataId: tf.DataId): number;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

/** The storage methods a host backend must have (checked when one is made). */
export const STORAGE_METHODS = ['write', 'move', 'disposeData', 'readSync', 'read', 'incRef', 'decRef', 'refCount', 'makeTensorInfo'] as const;

/** Whether `name` is a registered backend (TF.js's engine keeps its factories by name). */
export function isRegisteredBackend(name: string): boolean {
  const registry = (tf.engine() as unknown as { registryFactory?: Record<string, unknown> }).registryFactory;
  if (!registry || typeof registry !== 'object') throw new Error('TF.js changed: engine().registryFactory is gone');
  return registry[name] !== undefined;
}

/** The class of TF.js's cpu backend, to make backend instances of our own. */
export function cpuBackendClass(): new () => tf.KernelBackend {
  const cpu = tf.findBackend('cpu');
  if (!cpu) throw new Error('the cpu backend is not available to host the onnxruntime kernels');
  return cpu.constructor as new () => tf.KernelBackend;
}

/** Switch off a cpu backend instance's first-use advert (its `firstUse` flag): kept with the cpu backend's choice, ../../advert.ts. */
export { silenceAdvert } from '../../advert.ts';

/** A cpu backend instance's storage; throws if TF.js no longer has it in this shape. */
export function storageOf(backend: tf.KernelBackend): HostStorage {
  const b = backend as unknown as Partial<HostStorage>;
  const missing = STORAGE_METHODS.filter((m) => typeof b[m] !== 'function');
  if (typeof b.data?.get !== 'function' || typeof b.data?.has !== 'function') missing.push('data.get/has' as never);
  if (missing.length > 0) throw new Error(`TF.js changed: the cpu backend lacks ${missing.join(', ')}`);
  return b as HostStorage;
}

/** How many gradient tapes record right now (> 0 while a gradient of a gradient is taken). */
export function gradientDepth(): number {
  const depth = (tf.engine() as unknown as { state?: { gradientDepth?: unknown } }).state?.gradientDepth;
  if (typeof depth !== 'number') throw new Error('TF.js changed: engine().state.gradientDepth is gone');
  return depth;
}
