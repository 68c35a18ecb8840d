/**
 * What can go wrong, by class, so a caller decides what to do (the `penx` command maps each class
 * to its exit code; the library never does). Every message says what was wrong and what would be
 * right. Browser-safe: no Node here (also `penalty-explorer/errors`, which loads nothing else), and
 * the text every message passes through: `redactCredentials`, `visibleControls`.
 *
 *   PenaltyExplorerError            something the caller can fix
 *   ├─ UsageError                   an option, argument or combination of settings that cannot be used
 *   │  ├─ ResumeMismatchError        (a run resumed with other settings than it was started with)
 *   │  │  ├─ ResumeNamesError        (… with a model that names its weights otherwise)
 *   │  │  ├─ ResumeModelError        (… with a model whose weights differ from the record's, each said)
 *   │  │  └─ ResumeNormsError        (… by a penx that takes a layer's channel norms otherwise)
 *   │  ├─ ResumeEpochsError          (a run resumed for fewer epochs than it has finished)
 *   │  ├─ CheckpointMissingError     (a run to train on whose checkpoint is gone)
 *   │  ├─ UnshardableError           (a model that worker threads would compute otherwise: in penalty-explorer/node's parallel)
 *   │  └─ ReadBackError              (a backend whose synchronous read-back is wrong: nothing it gives can be recorded)
 *   ├─ SpecError                    a spec (penalty, constraint, optimiser, transform), or the definition
 *   │  └─ UserCodeError              or module behind it; a user's function (or monitor) that threw
 *   ├─ DataError                    data that cannot be used: image sets, tensors of the wrong shape
 *   │  ├─ NonFiniteWeightsError      (a weight holding NaN or ±∞, a diverged model's: it cannot be measured)
 *   │  ├─ RecordFormatError          (a record — run.json, compare.json, sweep.json — that does not fit its format)
 *   │  └─ PruneCurveError            (a prune curve without the trained model's accuracy, level 0)
 *   ├─ IOError                      a file or folder that cannot be used: missing, not writable, in use,
 *   │  ├─ FolderExistsError         not this tool's, or holding something else
 *   │  ├─ FolderRefusedError        (what is wrong with it, as `problem`: a remedy in the caller's terms can follow)
 *   │  │  ├─ NotOwnedError
 *   │  │  ├─ WrongKindError         (a folder of the tool's of another kind than asked: `holds`, `wanted`)
 *   │  │  └─ OlderFolderError       (entries an older version listed by name alone: adoptOlderEntries)
 *   │  └─ LockedError
 *   └─ DivergedError                a run whose loss or weights became NaN or ±∞ (not bad input: the run
 *                                   trained, its record keeps the finished epochs; what to try is said);
 *                                   in penalty-explorer's training/diverged.ts, as it carries the record
 *   InterruptedError                the work was stopped on request, at a safe point (not a fault)
 */

/**
 * Something the caller can fix; the message says what was wrong and what would be right.
 *
 * Each class names itself with a string (`override name = 'UsageError'`), not with its class's
 * name: a minifying bundler renames classes, and a page's errors would read `Xe: …`.
 */
export class PenaltyExplorerError extends Error {
  override name = 'PenaltyExplorerError';
}

/** An option, argument or combination of settings that cannot be used (e.g. a batch larger than the data, resume and force together). */
export class UsageError extends PenaltyExplorerError {
  override name = 'UsageError';
}

/**
 * A spec — a penalty, constraint, optimiser or gradient transform named as text or as an object —
 * that cannot be read or bound, or the definition or module behind it.
 */
export class SpecError extends PenaltyExplorerError {
  override name = 'SpecError';
}

/**
 * User code threw: what threw (e.g. `penalty logsum:1e-4 (from ./logsum.ts)`, or
 * `monitor 'deadRelu' (its onEpochEnd after epoch 3)`) and its message; `cause`, when given, is
 * what it threw.
 */
export class UserCodeError extends SpecError {
  override name = 'UserCodeError';
  constructor(
    /** What threw, with the module it came from when known. */
    readonly what: string,
    /** The user code's own message. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${what} threw: ${reason}`, options);
  }
}

/** Data that cannot be used: a missing, truncated or corrupt data file, tensors that do not fit the model. */
export class DataError extends PenaltyExplorerError {
  override name = 'DataError';
}

/**
 * A weight holds NaN or ±∞ values (a diverged model): it has no place in a histogram's bins, no
 * norm and no percentile that JSON can hold, so it cannot be measured.
 */
export class NonFiniteWeightsError extends DataError {
  override name = 'NonFiniteWeightsError';
  constructor(
    /** The weight's name. */
    readonly weight: string,
    message: string,
  ) {
    super(message);
  }
}

/** Not a record of a format this version reads, or one that does not fit its schema. */
export class RecordFormatError extends DataError {
  override name = 'RecordFormatError';
}

/**
 * A prune curve whose first point is not the trained model's with its test accuracy (level 0), which
 * every level is compared with: `field` is the point or field at fault (`[0]`, `[0].level`,
 * `[0].testAcc`) and `problem` what is wrong with it (`is missing`, `is 5, not 0`, `is null`), for a
 * caller to name where the curve is, e.g. `run.json: epochs[3].prune.global[0].testAcc is null`.
 * `measuredBeforeOutputAccuracies`: the curve is of a model of several outputs, and was measured by
 * an older penx, before prune curves recorded each output's accuracy (7660ba3): its points
 * have no `testMetrics` where its run's epochs have each output's accuracy — what the message names,
 * as a user can see it in the record: not an edited record, but one to measure again.
 *
 * @example
 * new PruneCurveError('[0].testAcc', 'is null', true).message
 * // "the prune curve's [0].testAcc is null: … to compare its levels with: its model has several outputs, whose accuracies
 * //  its run's epochs record (testMetrics) but its points do not, as an older penx measured prune curves; measure the curve again"
 */
export class PruneCurveError extends DataError {
  override name = 'PruneCurveError';
  constructor(
    readonly field: string,
    readonly problem: string,
    readonly measuredBeforeOutputAccuracies = false,
  ) {
    super(
      `the prune curve's ${field} ${problem}: it has no test accuracy of the trained model (level 0) to compare its levels with` +
        (measuredBeforeOutputAccuracies
          ? `: its model has several outputs, whose accuracies its run's epochs record (testMetrics) but its points do not, as an older penx measured prune curves; measure the curve again`
          : ''),
    );
  }
}

/**
 * A resumed run's settings differ from the ones it was started with: each side's value quoted, a list
 * (the monitors' names, the metrics) as its items, a setting left out as none.
 *
 * @example
 * new ResumeMismatchError('runs/a', 'list of monitors', ['batchLoss', 'classAccuracy'], ['classAccuracy']).message
 * // 'cannot resume runs/a: its list of monitors is "batchLoss" and "classAccuracy", this run\'s is "classAccuracy"; …'
 */
export class ResumeMismatchError extends UsageError {
  override name = 'ResumeMismatchError';
  constructor(
    readonly dir: string,
    readonly key: string,
    was: unknown,
    now: unknown,
  ) {
    // A setting left out is undefined, which JSON.stringify gives back as undefined: shown as none.
    const shown = (x: unknown): string => {
      if (!Array.isArray(x)) return JSON.stringify(x) ?? 'none';
      const items = x.map(shown);
      return items.length === 0 ? 'none' : items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
    };
    super(`cannot resume ${dir}: its ${key} is ${shown(was)}, this run's is ${shown(now)}; use the same settings, or start it over`);
  }
}

/**
 * A resumed run's model names its weights otherwise than its record: TF.js names the layers and models
 * left unnamed by a count across the process, so a model built again after other models gets other
 * names, under which the epochs trained now would be recorded. `renamed`: the weights' paths as
 * `was → now`, listed.
 *
 * @example
 * new ResumeNamesError('runs/mine', 'dense_Dense1/kernel → dense_Dense5/kernel').message
 * // "cannot resume runs/mine: its record names the model's weights otherwise than this model does: dense_Dense1/kernel → dense_Dense5/kernel; …"
 */
export class ResumeNamesError extends ResumeMismatchError {
  override name = 'ResumeNamesError';
  constructor(
    dir: string,
    readonly renamed: string,
  ) {
    super(dir, 'weight names', renamed, null);
    this.message = `cannot resume ${dir}: its record names the model's weights otherwise than this model does: ${renamed}; TF.js names the layers and models left unnamed by a count across the process (dense_Dense7), so a model built again after other models gets other names, and the epochs trained now would be recorded under them; nothing was written; give the layers names, or count them in the model (attachToKernels' countNames) as the run was begun, or start it over`;
  }
}

/**
 * A resumed run whose model differs from the one its record states: `differences` say which weights
 * and how, `field record → this model`; `classed`: the weights are the same, classed otherwise by the
 * penx that wrote the record (a custom layer's `my_kernel` a kernel, an int32 weight trainable).
 *
 * @example
 * new ResumeModelError('runs/x', ['x/my_kernel: kind kernel → other'], true).message
 * // "cannot resume runs/x: its record states the model's weights otherwise than this model has them (record → this model): x/my_kernel: kind kernel → other; …"
 */
export class ResumeModelError extends ResumeMismatchError {
  override name = 'ResumeModelError';
  constructor(
    dir: string,
    readonly differences: readonly string[],
    classed: boolean,
  ) {
    super(dir, 'model', differences, null);
    const shown = differences.slice(0, 4).join('; ') + (differences.length > 4 ? `; and ${differences.length - 4} more` : '');
    const todo = classed
      ? "the penx that wrote the record classed these weights otherwise than this one does (a custom layer's weight named other than TF.js's kernels, as my_kernel, is no kernel; an int32 weight, which no gradient trains, is not trainable), so the epochs trained now would be recorded by another rule than those before; finish the run with the penx that began it, or start it over with this one"
      : 'build the model as the run was trained (the same layers, shapes, penalties and constraints), or start it over';
    this.message = `cannot resume ${dir}: its record states the model's weights otherwise than this model has them (record → this model): ${shown}; nothing was written; ${todo}`;
  }
}

/**
 * A resumed run whose record holds the channel norms of `layer` otherwise than this penx takes them
 * (an older penx's record: a SeparableConv2D's of its depthwise kernel, a DepthwiseConv2D's one per
 * multiplier, a Conv2DTranspose's per input channel), or cannot tell how: the epochs trained now would
 * hold other norms under the same layer than the epochs before, and a reader reads a record's norms
 * of a layer by one rule. `was` and `now` say the two in words.
 *
 * @example
 * new ResumeNormsError('runs/up', 'up', 'of up/kernel [2, 2, 3, 2] over axis=0+1+2 (2 norms)', 'of up/kernel [2, 2, 3, 2] over axis=0+1+3 (3 norms)').message
 * // "cannot resume runs/up: its record holds the channel norms of up of up/kernel [2, 2, 3, 2] over axis=0+1+2 (2 norms), this penx takes them of … over axis=0+1+3 (3 norms); …"
 */
export class ResumeNormsError extends ResumeMismatchError {
  override name = 'ResumeNormsError';
  constructor(
    dir: string,
    readonly layer: string,
    was: string,
    now: string,
  ) {
    super(dir, `channel norms of ${layer}`, was, now);
    this.message = `cannot resume ${dir}: its record holds the channel norms of ${layer} ${was}, this penx takes them ${now}; the epochs trained now would hold other norms of ${layer} than the epochs before, in one record read by one rule; nothing was written; start the run over with this penx, or finish it with the penx that began it`;
  }
}

/**
 * A run resumed for fewer epochs than it has finished: training cannot take epochs back, and
 * keeping the run as it is would say it has `wanted` epochs when it has `finished`.
 *
 * @example
 * new ResumeEpochsError('runs/l1', 3, 1).message
 * // 'cannot resume runs/l1: it has 3 finished epochs, more than the 1 asked for; nothing was changed; ask for 3 epochs to keep it as it is, or more to train on'
 */
export class ResumeEpochsError extends UsageError {
  override name = 'ResumeEpochsError';
  constructor(
    readonly dir: string,
    readonly finished: number,
    readonly wanted: number,
  ) {
    super(
      `cannot resume ${dir}: it has ${finished} finished epoch${finished === 1 ? '' : 's'}, more than the ${wanted} asked for; nothing was changed; ask for ${finished} epochs to keep it as it is, or more to train on`,
    );
  }
}

/**
 * A run to continue whose run.json holds finished epochs but whose checkpoint is gone (removed once
 * the run was done, say): training on needs the checkpoint, and starting over would throw the
 * record away, so neither happens.
 */
export class CheckpointMissingError extends UsageError {
  override name = 'CheckpointMissingError';
  constructor(
    readonly dir: string,
    readonly finished: number,
    readonly wanted: number,
  ) {
    super(
      `cannot resume ${dir}: its run.json holds ${finished} finished epoch${finished === 1 ? '' : 's'} but its checkpoint is gone, which training on to ${wanted} needs; nothing was changed (restore its checkpoint folder, or start the run over)`,
    );
  }
}

/**
 * The TF.js backend in use reads its numbers back wrong synchronously (`dataSync`), as SwiftShader's
 * WebGPU under TF.js 4.22 does (zeros): the library reads losses, penalties, evaluation and weights
 * that way, so whatever it trained or recorded there would be wrong; nothing was. `backend` is the
 * backend's name, `problem` what the probe read (`readBackProblem`).
 *
 * @example
 * new ReadBackError('webgpu', 'its synchronous read-back returned wrong values (0 for 7, 0 for 10, 0 for 15 and 6 more of 9)').message
 * // "backend webgpu cannot train or record here: its synchronous read-back returned wrong values (0 for 7, …); the library reads …"
 */
export class ReadBackError extends UsageError {
  override name = 'ReadBackError';
  constructor(
    readonly backend: string,
    /** What is wrong with its read-back, e.g. `its synchronous read-back returned wrong values (0 for 7, …)`. */
    readonly problem: string,
  ) {
    super(
      `backend ${backend} cannot train or record here: ${problem}; the library reads losses, penalties, evaluation and weights synchronously (dataSync), ` +
        `so the record would be wrong; nothing was trained or written; use another backend, e.g. tf.setBackend('webgl'), tf.setBackend('wasm') or tf.setBackend('cpu')`,
    );
  }
}

/** A file or folder that cannot be used: missing, not writable, in use, or not this tool's to write. */
export class IOError extends PenaltyExplorerError {
  override name = 'IOError';
}

/** The folder already has content, and neither resuming nor replacing it was asked for. */
export class FolderExistsError extends IOError {
  override name = 'FolderExistsError';
  constructor(
    readonly dir: string,
    /** What the folder is, e.g. `run folder`. */
    readonly what: string,
  ) {
    super(`${what} ${dir} already exists; resume it to continue it, or force to start it over`);
  }
}

/**
 * A folder that is in the way and is left untouched: not this tool's, or of another kind. `problem`
 * says what is wrong with it; `remedy`, when the tool knows one in the folder itself (entries to
 * move), what to do there; the message adds the remedy any caller has (another name or folder) as
 * the alternative to it:
 *
 * @example
 * new FolderRefusedError('runs/x', 'refusing to start runs/x over: …; nothing was touched', 'force', 'move it out of the folder (…) and try again').message
 * // 'refusing to start runs/x over: …; nothing was touched; move it out of the folder (…) and try again; or choose another name or folder'
 */
export class FolderRefusedError extends IOError {
  override name = 'FolderRefusedError';
  constructor(
    readonly dir: string,
    /** What is wrong, without what to do about it. */
    readonly problem: string,
    /**
     * What the caller meant to do with the folder, when the refusal came from judging it for that
     * (`checkFolder`, a removal): an app words its remedy by it, e.g. `output` → another output folder.
     */
    readonly intent?: FolderIntent,
    /** What to do in the folder itself for the command to run, when the tool knows (entries it cannot prove it wrote, to move): an app's remedy follows as its alternative. */
    readonly remedy?: string,
  ) {
    super(`${problem}; ${remedy ? `${remedy}; or ` : ''}choose another name or folder`);
  }
}

/**
 * A folder of this tool's that an older version wrote (its manifest lists entries by name alone,
 * without the size and SHA-256 this version records), refused as the tool cannot prove those entries
 * still hold what it wrote: nothing is deleted or written over. `problem` names them; when they are
 * unchanged, `adoptOlderEntries(dir)` records them as the tool's (the user vouches for them) and the
 * command can run — unless the refusal names other entries too (`onlyOlder` false: changed since a
 * proof, not listed, not a regular file), which adopting leaves and which must be moved:
 *
 * @example
 * new OlderFolderError('runs/l1', 'refusing to write over runs/l1/a.png (listed without …); runs/l1/b.png (not in the manifest: …): …; move them out of runs/l1 (…)', 'write', false).message
 * // '…; move them out of runs/l1 (…); those an older version listed need not move: if they are still what it wrote, adopt them (adoptOlderEntries); then try again'
 */
export class OlderFolderError extends FolderRefusedError {
  override name = 'OlderFolderError';
  constructor(
    dir: string,
    problem: string,
    intent?: FolderIntent,
    /** Every entry refused is one an older version listed by name alone: adopting them lets the command run. */
    readonly onlyOlder = true,
  ) {
    super(dir, problem, intent);
    this.message = onlyOlder
      ? `${problem}; if they are still what the older version wrote, adopt them (adoptOlderEntries) and try again`
      : `${problem}; those an older version listed need not move: if they are still what it wrote, adopt them (adoptOlderEntries); then try again`;
  }
}

/**
 * What a caller means to do with a folder, which a refusal of it is worded by: resume it, start it
 * over (`force`: what the tool wrote there deleted), take it as a new folder, write into it (update
 * what the tool wrote there: redraw its figures), or put a command's output there (`output`: an
 * earlier output of the tool's there replaced, e.g. a pruned model).
 */
export type FolderIntent = 'resume' | 'force' | 'new' | 'write' | 'output';

/**
 * A folder that is not this tool's (it has content, or an invalid marker file, and no valid marker of
 * the tool): never resumed, replaced or written into. The message says what would have been done to it (`asked`):
 *
 * @example
 * new NotOwnedError('runs/x', 'force', '.penx-folder.jsonl').message
 * // "refusing to start runs/x over: it was not written by penalty-explorer (it has no valid .penx-folder.jsonl marker); nothing was touched; …"
 * new NotOwnedError('models', 'output', '.penx-folder.jsonl').message
 * // "will not put the output into models: it is not empty and was not written by penalty-explorer (…); an output goes only into …"
 */
export class NotOwnedError extends FolderRefusedError {
  override name = 'NotOwnedError';
  constructor(
    dir: string,
    /** What was asked (FolderIntent). */
    readonly asked: FolderIntent,
    /** The name of the marker it lacks. */
    marker: string,
  ) {
    const notOurs = `not written by penalty-explorer (it has no valid ${marker} marker)`;
    const why = `it was ${notOurs}; nothing was touched`;
    const refusal = {
      resume: `cannot resume ${dir}: ${why}`,
      force: `refusing to start ${dir} over: ${why}`,
      new: `${dir} already exists and was ${notOurs}; nothing was touched`,
      write: `will not write into ${dir}: ${why}`,
      output: `will not put the output into ${dir}: it is not empty and was ${notOurs}; an output goes only into a new or empty folder, or over an earlier output of penalty-explorer's; nothing was touched`,
    } as const;
    super(dir, refusal[asked], asked);
  }
}

/**
 * A folder of this tool's of another kind than the one asked for (a comparison's folder given where a
 * run is redrawn): refused untouched; `holds` and `wanted` say the kinds, so an app can word what to
 * do about it. `problem` is the caller's sentence saying so.
 *
 * @example
 * new WrongKindError('runs/cmp', { problem: 'runs/cmp holds a comparison, not a run; nothing was touched', holds: 'comparison', wanted: 'run' }, 'write')
 */
export class WrongKindError extends FolderRefusedError {
  override name = 'WrongKindError';
  /** The kind of folder it is (a FolderKind: `run`, `comparison`, `sweep`, `pruned`). */
  readonly holds: string;
  /** The kind asked for (a FolderKind). */
  readonly wanted: string;
  constructor(dir: string, refusal: { readonly problem: string; readonly holds: string; readonly wanted: string }, intent: FolderIntent) {
    super(dir, refusal.problem, intent);
    this.holds = refusal.holds;
    this.wanted = refusal.wanted;
  }
}

/** Who holds a folder's lock. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly since: string;
  /** When the holder process started, so a recycled pid is not taken for it; absent where unknown. */
  readonly started?: string;
}

/** Another process holds the folder's lock. */
export class LockedError extends IOError {
  override name = 'LockedError';
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
    /** The lock file, named in the message (how to clear a lock left by a machine that is gone). */
    lockFile: string,
  ) {
    super(
      `${dir} is in use by process ${holder.pid} on ${holder.host} (${holder.command || 'penalty-explorer'}, since ${holder.since}); wait for it to finish, or stop it; ` +
        `if process ${holder.pid} is not penx working in this folder (e.g. it ran on a machine that is gone), clear the lock: remove ${lockFile}`,
    );
  }
}

/**
 * The work was stopped on request — an aborted signal (`fit`'s `signal`), or Ctrl-C while user
 * code ran under `guardUserCode` — at a point where nothing is half-written.
 */
export class InterruptedError extends Error {
  constructor(message = 'interrupted') {
    super(message);
    this.name = 'InterruptedError';
  }
}

/** `text` with the password of every `scheme://[user]:password@` in it replaced by `***` (`redis://:pw@host` → `redis://:***@host`): messages, logs and lock files never show one. */
export function redactCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s/]+@/gi, '$1***@');
}

/** The characters `visibleControls` escapes. */
const CONTROLS = /[^\P{Cc}\n]|\p{Bidi_Control}/gu;

/**
 * A record's string (a run's name, a penalty, a layer's or weight's name) fit to show — in a page,
 * a figure, a message or on a terminal: every control character but the line end, and every
 * bidirectional control (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), written as its
 * escape, so it cannot drive a terminal, nor show itself or what follows reordered
 * (`l1\u202egnp.exe` as `l1exe.png`). Here, with nothing to load, for `penx`'s start (also
 * `penalty-explorer/viz`).
 *
 * @example
 * visibleControls('l1\u202egnp.exe')   // 'l1\\u202egnp.exe'
 */
export function visibleControls(text: string): string {
  return text.search(CONTROLS) === -1 ? text : text.replace(CONTROLS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
