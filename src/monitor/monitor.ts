/**
 * Monitors: measurements taken while a model trains, kept in the run record — Keras callbacks'
 * shape, each returning a named section of the epoch's record:
 *
 *   onTrainBegin ─► onEpochEnd(epoch 0: the untrained model) ─► for each epoch:
 *     onBatchEnd after every batch (what it returns is kept for the epoch)
 *     ─► onEpochEnd({ epoch, batches, testPredictions? }) ─► the epoch's section
 *   (testPredictions: the evaluation's outputs on the validation data, when a monitor wantsTestPredictions)
 *
 * The default monitors (defaults.ts) write the record's own fields (run@3: histograms, sparsity,
 * percentiles, per layer and weight, penalties, channel norms, per-batch losses and norms). A
 * user's monitor writes a section of its own, kept under `monitors[name]` of every snapshot
 * (epoch 0 and each epoch; a JSON value, non-finite numbers kept as null), and may bring a view: a Vega-Lite spec (data, not code) that the report
 * and the dashboard draw over its sections. A user's monitor that throws stops the run as a
 * UserCodeError naming it and the call it threw in (`monitor 'x' (its onEpochEnd after epoch 3) threw: …`);
 * its hooks run as the user's penalties do (`runUserCode`), so Ctrl-C interrupts one that never returns.
 *
 * @example
 * const meanAbs: Monitor<Record<string, number>> = {
 *   name: 'meanAbs',
 *   onEpochEnd: (_epoch, { model }) => Object.fromEntries(model.layers.filter((l) => l.weights.length).map((l) => [l.name, tf.tidy(() => tf.mean(tf.abs(l.weights[0]!.read())).dataSync()[0]!)])),
 *   view: { title: 'Mean |w| of each layer’s kernel', spec: { mark: 'line', encoding: { x: { field: 'epoch', type: 'quantitative' }, y: { field: 'value', type: 'quantitative' }, color: { field: 'key' } } } },
 * };
 * await fit(model, data, { epochs: 5, validationData, monitors: [meanAbs] });   // record.epochs[i].monitors.meanAbs
 */
import { InterruptedError, UsageError } from '../errors.ts';
import type { JsonValue, MonitorInfo, MonitorView } from '../formats/index.ts';
import { fromModule, noteOrigin, originOf, runUserCode } from '../registry/index.ts';
import type { tf } from '../tf.ts';

/** What a monitor is told at every call: the model being trained, and the data it is validated on. */
export interface MonitorContext {
  readonly model: tf.LayersModel;
  /** The validation data `fit` evaluates on (inputs and targets, in the model's order); absent without any. */
  readonly validationData?: { readonly x: readonly tf.Tensor[]; readonly y: readonly tf.Tensor[] };
}

/** One training batch, just after its update. */
export interface BatchEnd {
  readonly epoch: number;
  /** 1, 2, … within the epoch. */
  readonly batch: number;
  /** The batch's mean data loss and Σ λ·penalty, before its update. */
  readonly dataLoss: number;
  readonly penaltyLoss: number;
  /** Per constrained weight (e.g. `conv2d_1/kernel`), the share of its output channels the constraint changed in this step (measured when the model has constraints). */
  readonly projected: Readonly<Record<string, number>>;
}

/** One output's values for every sample, row after row: `values[i·width + j]` is sample i's j-th value (width = shape[1] · shape[2] · …). */
export interface Predictions {
  readonly values: Float32Array;
  /** [samples, …the output's shape], e.g. [10000, 10] for MNIST's test set and ten classes. */
  readonly shape: readonly number[];
}

/** The end of an epoch (epoch 0: the untrained model, before any batch). */
export interface EpochEnd<B = unknown> {
  readonly epoch: number;
  /** What `onBatchEnd` returned after each of the epoch's batches, in order (empty at epoch 0). */
  readonly batches: readonly B[];
  /**
   * The model's outputs on the validation data, one per output, as the epoch's evaluation computed
   * them for its metrics (probabilities: the softmax where the loss took logits), sample order kept;
   * `testAcc` is the accuracy of these very values. Given when some monitor of the run
   * `wantsTestPredictions` and `fit` has validation data (never by `recordWeights`); shared by every
   * monitor — read it, do not write into it.
   */
  readonly testPredictions?: readonly Predictions[];
}

/** A measurement kept in each epoch's record. `S`: the section it returns; `B`: what it keeps from each batch. */
export interface Monitor<S = unknown, B = unknown> {
  /** The section's name; a user's monitor's section is `monitors[name]` of each snapshot. Letters, digits, `_` and `-`, starting with a letter. */
  readonly name: string;
  /**
   * `true`: its `onEpochEnd` reads `testPredictions`, the evaluation's own outputs on the validation
   * data (no second pass over it, as `model.predict` would be). Without such a monitor a run keeps none.
   *
   * @example
   * // the share of test samples whose largest probability is below 0.5
   * const unsure: Monitor<number> = {
   *   name: 'unsure',
   *   wantsTestPredictions: true,
   *   onEpochEnd: ({ testPredictions }) => {
   *     const p = testPredictions?.[0];   // { values: Float32Array, shape: [samples, classes] }
   *     if (!p) return undefined;
   *     const [n, k] = p.shape as [number, number];
   *     let low = 0;
   *     for (let i = 0; i < n; i++) if (Math.max(...p.values.subarray(i * k, (i + 1) * k)) < 0.5) low++;
   *     return low / n;
   *   },
   * };
   */
  readonly wantsTestPredictions?: boolean;
  /** Before anything is measured. */
  onTrainBegin?(context: MonitorContext): void | Promise<void>;
  /** After every training batch: a value kept for the epoch (undefined: nothing). */
  onBatchEnd?(batch: BatchEnd, context: MonitorContext): B | undefined | Promise<B | undefined>;
  /** After each epoch, and at epoch 0: the epoch's section (a JSON value for a user's monitor), or undefined for none. */
  onEpochEnd(epoch: EpochEnd<B>, context: MonitorContext): S | undefined | Promise<S | undefined>;
  /** A figure of the sections over epochs and runs, which the report and the dashboard show (a user's monitor only). */
  readonly view?: MonitorView;
}

const NAME = /^[A-Za-z][\w-]*$/;

/** True for a value JSON can hold: numbers, strings, booleans, null, arrays and plain objects of them. */
function isJson(x: unknown): x is JsonValue {
  if (x === null || typeof x === 'string' || typeof x === 'boolean' || typeof x === 'number') return true;
  if (Array.isArray(x)) return x.every(isJson);
  if (typeof x !== 'object') return false;
  const proto = Object.getPrototypeOf(x) as unknown;
  return (proto === Object.prototype || proto === null) && Object.values(x as Record<string, unknown>).every(isJson);
}

/** `x` as JSON writes and reads it back: a non-finite number becomes null. */
function asWritten(x: JsonValue): JsonValue {
  if (typeof x === 'number') return Number.isFinite(x) ? x : null;
  if (Array.isArray(x)) return x.map(asWritten);
  if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, asWritten(v)]));
  return x;
}

/** True for an object that has a monitor's shape (a module's default export, for instance). */
export function isMonitor(x: unknown): x is Monitor {
  if (typeof x !== 'object' || x === null) return false;
  const m = x as Partial<Monitor>;
  return typeof m.name === 'string' && typeof m.onEpochEnd === 'function';
}

/**
 * Remember that `monitor` is the default export of the module at `path` (as given, e.g.
 * `./my-monitor.ts`), as the user's definitions are (`noteOrigin`): its record says it, its errors name it.
 */
export function noteMonitorModule(monitor: Monitor, path: string): void {
  noteOrigin(monitor, path);
}

/**
 * Where two monitors of one name came from, naming each: ` (the first from ./a.ts, the second from
 * ./b.ts)`, ` (both from ./a.ts)`, ` (the first from ./a.ts, the second given as an object)`, or
 * nothing when neither came from a module.
 */
function bothFrom(first: Monitor, second: Monitor): string {
  const [a, b] = [originOf(first), originOf(second)];
  if (!a && !b) return '';
  if (a === b) return ` (both from ${a})`;
  const where = (path: string | undefined) => (path ? `from ${path}` : 'given as an object');
  return ` (the first ${where(a)}, the second ${where(b)})`;
}

/** Throws a UsageError unless `monitors` are monitors with distinct names of letters, digits, `_` and `-`, hooks that are functions, and views that are data. */
export function checkMonitors(monitors: readonly unknown[]): asserts monitors is readonly Monitor[] {
  const seen = new Map<string, Monitor>();
  for (const m of monitors) {
    if (!isMonitor(m)) throw new UsageError('a monitor is an object { name, onEpochEnd(epoch, context), onBatchEnd?, onTrainBegin?, view? }');
    if (!NAME.test(m.name)) throw new UsageError(`monitor name '${m.name}' is not allowed; use letters, digits, '_' or '-', starting with a letter`);
    const first = seen.get(m.name);
    if (first) throw new UsageError(`two monitors are named '${m.name}'${bothFrom(first, m)}; give each its own name`);
    seen.set(m.name, m);
    if (m.wantsTestPredictions !== undefined && typeof m.wantsTestPredictions !== 'boolean')
      throw new UsageError(
        `monitor '${m.name}'${fromModule(m)}: its wantsTestPredictions is ${typeof m.wantsTestPredictions}; make it true or false, or leave it out`,
      );
    for (const hook of ['onTrainBegin', 'onBatchEnd'] as const)
      if (m[hook] !== undefined && typeof m[hook] !== 'function')
        throw new UsageError(`monitor '${m.name}': its ${hook} is ${typeof m[hook]}; make it a function, or leave it out`);
    if (m.view !== undefined && (typeof m.view.title !== 'string' || !isJson(m.view.spec) || Array.isArray(m.view.spec) || typeof m.view.spec !== 'object')) {
      throw new UsageError(
        `monitor '${m.name}': its view must be { title, spec } with spec a Vega-Lite spec as plain data (no functions; the record keeps it)`,
      );
    }
  }
}

/** What the record says about the user's monitors (config.monitors): each one's name, view, and the module it came from. */
export function monitorInfos(monitors: readonly Monitor[]): MonitorInfo[] {
  return monitors.map((m) => {
    const module = originOf(m);
    return { name: m.name, ...(m.view ? { view: { title: m.view.title, spec: m.view.spec } } : {}), ...(module ? { module } : {}) };
  });
}

/** A snapshot's parts from monitors: the default monitors' fields of the record, and the user's monitors' sections. */
export interface Sections<F> {
  readonly fields: F;
  readonly monitors?: Readonly<Record<string, JsonValue>>;
}

/**
 * The monitors of one run, called in order: the default ones (their sections are fields of the
 * record, `F`) and the user's (their sections kept under `monitors`, checked to be JSON).
 */
export class MonitorRun<F extends object> {
  private batches: unknown[][];

  constructor(
    private readonly defaults: ReadonlyArray<Monitor<Partial<F>>>,
    private readonly user: readonly Monitor[] = [],
    /** The run's stop (`fit`'s `signal`): a user's async hook still pending when it comes is abandoned. */
    private readonly signal?: AbortSignal,
  ) {
    checkMonitors(user);
    this.batches = this.all().map(() => []);
  }

  private all(): readonly Monitor[] {
    return [...this.defaults, ...this.user];
  }

  /**
   * `call()`, a call of monitor number `i` (`when`: which, e.g. `its onEpochEnd after epoch 3`): a
   * user's hook runs as all user code does (`runUserCode`): one that throws (or rejects) is named (and its
   * module), as a UserCodeError whose cause is what it threw; under `guardUserCode` Ctrl-C interrupts one
   * that never returns (InterruptedError) — an async hook up to its first `await`; what it runs after one
   * is not covered: a stop asked while its promise is pending (it waits on timers, I/O, a promise that
   * never settles) abandons it (InterruptedError naming it), but code of it that never gives the thread
   * back (`await null; for (;;) {}`) runs outside any guarded call and is stopped by nothing (the run
   * goes on once it returns). The default monitors' errors pass as they are.
   *
   * @example
   * // a user's monitor 'deadRelu' throwing Error('no layer relu_1') after epoch 3:
   * // UserCodeError: monitor 'deadRelu' (its onEpochEnd after epoch 3) threw: no layer relu_1
   * // loaded by loadMonitor('./dead-relu.ts'): monitor 'deadRelu' (from ./dead-relu.ts) (its onEpochEnd after epoch 3) threw: …
   */
  private async call<T>(i: number, when: string, call: () => T | Promise<T>): Promise<T> {
    if (i < this.defaults.length) return await call();
    const m = this.user[i - this.defaults.length] as Monitor;
    const what = (from: string) => `monitor '${m.name}'${from} (${when})`;
    const result = runUserCode(m, what, call);
    const signal = this.signal;
    if (!signal || !(result instanceof Promise)) return await result;
    // A stop asked while it is pending: abandoned (its promise left to itself, its outcome ignored).
    let stop: (() => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      stop = () => reject(new InterruptedError(`stopped while ${what(fromModule(m))} was pending`));
      signal.addEventListener('abort', stop, { once: true });
    });
    try {
      return await Promise.race([result, stopped]);
    } finally {
      signal.removeEventListener('abort', stop as () => void);
      result.catch(() => {});
    }
  }

  async trainBegin(context: MonitorContext): Promise<void> {
    for (const [i, m] of this.all().entries()) await this.call(i, 'its onTrainBegin', () => m.onTrainBegin?.(context));
  }

  async batchEnd(batch: BatchEnd, context: MonitorContext): Promise<void> {
    for (const [i, m] of this.all().entries()) {
      if (!m.onBatchEnd) continue;
      const value = await this.call(i, `its onBatchEnd after batch ${batch.batch} of epoch ${batch.epoch}`, () => m.onBatchEnd?.(batch, context));
      if (value !== undefined) this.batches[i]?.push(value);
    }
  }

  /** True when some monitor wants the evaluation's outputs (`testPredictions`) at each epoch's end. */
  get wantsTestPredictions(): boolean {
    return this.all().some((m) => m.wantsTestPredictions === true);
  }

  /** Every monitor's section of the epoch (`testPredictions`: the evaluation's outputs, for those that want them); the batches kept for it are dropped. */
  async epochEnd(epoch: number, context: MonitorContext, testPredictions?: readonly Predictions[]): Promise<Sections<Partial<F>>> {
    const given = testPredictions ? { testPredictions } : {};
    const batches = this.batches;
    this.batches = this.all().map(() => []);
    let fields: Partial<F> = {};
    for (const [i, m] of this.defaults.entries()) fields = { ...fields, ...(await m.onEpochEnd({ epoch, batches: batches[i] ?? [], ...given }, context)) };
    const sections: Record<string, JsonValue> = {};
    for (const [i, m] of this.user.entries()) {
      const j = this.defaults.length + i;
      const when = epoch === 0 ? 'its onEpochEnd at epoch 0, the untrained model' : `its onEpochEnd after epoch ${epoch}`;
      const section = await this.call(j, when, () => m.onEpochEnd({ epoch, batches: batches[j] ?? [], ...given }, context));
      if (section === undefined) continue;
      if (!isJson(section))
        throw new UsageError(
          `monitor '${m.name}' returned a section JSON cannot keep after epoch ${epoch}; return numbers, strings, booleans, null, arrays and plain objects (a tensor's values as numbers, not the tensor)`,
        );
      sections[m.name] = asWritten(section);
    }
    return { fields, ...(this.user.length ? { monitors: sections } : {}) };
  }
}
