/** The backend choices and parallel modes, by name (no backend is loaded by importing this). */
export const BACKENDS = ['auto', 'tensorflow', 'onnxruntime', 'wasm', 'cpu'] as const;
/** A backend `selectBackend` takes: `auto` (the fastest that loads) or one by name. */
export type BackendChoice = (typeof BACKENDS)[number];

/** How threads share the work: `data` cuts each batch among worker threads; `threads` uses the backend's own pool. */
export const PARALLEL_MODES = ['data', 'threads'] as const;
/** How threads share the work: `data` or `threads` (see `PARALLEL_MODES`). */
export type ParallelMode = (typeof PARALLEL_MODES)[number];

/** The TF.js name of the onnxruntime backend. */
export const ORT_BACKEND = 'onnxruntime';
