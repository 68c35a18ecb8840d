/**
 * The messages between the playground's page and its training worker (one worker per run):
 *
 *   page ─► worker   start (the run's settings)
 *   page ─► worker   catalog (asked once, of the first worker) · pause / resume (the worker waits
 *                    between batches while paused)
 *   worker ─► page   catalog (what the controls offer, from the library's registry) ─► backend (in use)
 *                    ─► checking (the code box's penalty runs on probe weights) ─► record (after epoch 0 and every epoch) · live (every N batches: the weights so
 *                    far, as the epoch in progress) · speed · paused (the batch under way when a pause
 *                    came has finished: nothing moves until resume) ─► done | failed
 */
import type { EpochRecord, RunRecord } from 'penalty-explorer';

/** Everything a run is made of: every control of the page (and every URL parameter). */
export interface RunSettings {
  /** `cnn` (the reference CNN) or `mlp` (784 ─ 128 ─ 10). */
  readonly model: 'cnn' | 'mlp';
  /** A penalty spec (`l1:1e-4,prox`) of a built-in, or of `mine` (the code box). */
  readonly penalty: string;
  /** The code of `mine`: an expression of `w` (or a function body returning one) using `tf` and `abs`. */
  readonly code: string;
  /** A constraint spec, '' for none. */
  readonly constraint: string;
  /** An optimiser spec with its learning rate, e.g. `adam:lr=0.001`. */
  readonly optimizer: string;
  readonly epochs: number;
  readonly train: number;
  readonly test: number;
  readonly batch: number;
  readonly seed: number;
  /** `auto` (webgpu › webgl › wasm) or one backend. */
  readonly backend: 'auto' | 'webgpu' | 'webgl' | 'wasm' | 'cpu';
  /** Draw the weights every this many batches while an epoch runs (0: only after each epoch). */
  readonly every: number;
  /** The run's name in its record and legends. */
  readonly name: string;
}

/** One entry of a catalogue, as the controls list it. */
export interface CatalogItem {
  readonly name: string;
  readonly formula: string;
  readonly doc: string;
  readonly params: Readonly<Record<string, { readonly default?: number; readonly doc?: string }>>;
  /** A penalty that has a proximal step (`,prox`). */
  readonly prox?: boolean;
}

/** What the controls offer, from the library's registry: the penalties, constraints and optimisers. */
export interface Catalogs {
  readonly penalties: readonly CatalogItem[];
  readonly constraints: readonly CatalogItem[];
  readonly optimizers: readonly CatalogItem[];
}

/** A message from the page to a run's worker (see the file's comment). */
export type ToWorker =
  | { readonly type: 'start'; readonly settings: RunSettings }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'catalog' };

/** A message from a run's worker to the page (see the file's comment). */
export type FromWorker =
  | { readonly type: 'catalog'; readonly catalogs: Catalogs }
  | {
      readonly type: 'backend';
      readonly name: string;
      /** The CPU threads it trains on (1 on a GPU backend). */
      readonly threads: number;
      /** Why it has fewer threads than the machine has cores, when it could have more. */
      readonly why?: string;
      /** What `auto` passed over before it, in order: a name that did not start, or why (`webgl on a software renderer`, `webgpu: its synchronous read-back …`). */
      readonly tried: readonly string[];
    }
  /** The code box's penalty is being checked on probe weights: its code runs now, and may never return (an endless loop). */
  | { readonly type: 'checking' }
  | { readonly type: 'record'; readonly record: RunRecord }
  | { readonly type: 'live'; readonly epoch: EpochRecord; readonly batch: number; readonly batches: number }
  | { readonly type: 'speed'; readonly imagesPerSecond: number; readonly epoch: number; readonly batch: number; readonly batches: number }
  | { readonly type: 'paused' }
  | { readonly type: 'done'; readonly record: RunRecord }
  | {
      readonly type: 'failed';
      readonly message: string;
      readonly where: 'penalty' | 'settings' | 'training';
      /** The record up to the last good epoch, with `stopped` saying where and why (a run that diverged). */
      readonly record?: RunRecord;
    };
