/** The control words a fused-graph session shares with its worker (workers.ts ⇄ worker-main.ts). */

/** [runs done, failed (1 when the last run threw)], an Int32Array over a SharedArrayBuffer. */
export const DONE = 0;
export const FAILED = 1;
export const CONTROL_WORDS = 2;
/** Bytes for the error text of a failed run. */
export const ERROR_BYTES = 2048;
