/**
 * `loadPenalty`, `loadConstraint` and `loadGradientTransform`: a spec that may name a user's module
 * (Node only; see import.ts). A gradient transform's module exports either
 * `defineGradientTransform({ name, params, fn })` or a plain function `(grad, weight, name) => tensor`
 * (which then takes no parameters). `loadMonitor`: a module whose default export is a monitor.
 */
import { constraintCatalog, type PenxConstraint } from '../constraints/index.ts';
import { SpecError, UsageError } from '../errors.ts';
import { checkMonitors, isMonitor, type Monitor, noteMonitorModule } from '../monitor/index.ts';
import { fromFunction, type GradientFunction, type GradientTransform, gradientTransformCatalog, probeTransform } from '../optim/index.ts';
import { type PenaltyRegularizer, penaltyCatalog, proximalPenalty } from '../penalties/index.ts';
import { isModuleRef, noteOrigin, parsePenaltySpec, parseSpec, runUserCode } from '../registry/index.ts';
import { importDefaultExport, loadSpec } from './import.ts';

/**
 * Like `penalty()`, but also imports a module path (`./my-penalty.ts:1e-4,k=2`) and probes the
 * result; the item `prox` gives the penalty in proximal mode.
 *
 * @example
 * const reg = await loadPenalty('./mnist-demo/examples/logsum-penalty.ts:1e-4,eps=0.05');
 */
export async function loadPenalty(spec: string, options: { cwd?: string } = {}): Promise<PenaltyRegularizer> {
  const parsed = parsePenaltySpec(spec);
  const reg = await loadSpec(penaltyCatalog, parsed, options);
  return parsed.prox ? proximalPenalty(reg) : reg;
}

/** Like `constraint()`, but also imports a module path and probes the result. */
export function loadConstraint(spec: string, options: { cwd?: string } = {}): Promise<PenxConstraint> {
  return loadSpec(constraintCatalog, spec, options);
}

/**
 * The transform of a spec: `clipnorm:1`, or `./my-transform.ts[:params]`.
 *
 * @example
 * const t = await loadGradientTransform('./mnist-demo/examples/sign-gradient.ts');
 */
export async function loadGradientTransform(spec: string, options: { cwd?: string } = {}): Promise<GradientTransform> {
  const parsed = parseSpec(spec);
  if (!isModuleRef(parsed.name)) return gradientTransformCatalog.resolve(spec);
  const cwd = options.cwd ?? process.cwd();
  const exported = await importDefaultExport(parsed.name, cwd, 'gradient transform');
  if (gradientTransformCatalog.isEntry(exported)) {
    noteOrigin(exported, parsed.name);
    return gradientTransformCatalog.resolveEntry(exported, parsed);
  }
  if (typeof exported !== 'function') {
    throw new SpecError(
      `gradient transform module '${parsed.name}': its default export must be a function (grad, weight, name) => tensor, or defineGradientTransform({ name, params, fn })`,
    );
  }
  if (parsed.positional !== undefined || parsed.params.length > 0)
    throw new SpecError(`gradient transform module '${parsed.name}' exports a plain function, which takes no parameters; got '${spec}'`);
  const fn = exported as GradientFunction;
  const t = fromFunction((g, w, n) =>
    runUserCode(
      fn,
      () => `gradient transform ${parsed.name} (of ${n})`,
      () => fn(g, w, n, {}),
    ),
  );
  probeTransform(t, `gradient transform module '${parsed.name}'`);
  return t;
}

/**
 * What a module's default export is, for a message: its kind, and an object's keys.
 *
 * @example
 * exportShape(() => ({}))                     // 'a function'
 * exportShape({ name: 'x', onEpoch: f })      // 'an object with name, onEpoch (no onEpochEnd function)'
 */
function exportShape(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'function') return 'a function';
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (typeof x !== 'object') return `${typeof x} ${JSON.stringify(x)}`;
  const o = x as Record<string, unknown>;
  const keys = Object.keys(o);
  const lacks = [typeof o['name'] === 'string' ? '' : 'name string', typeof o['onEpochEnd'] === 'function' ? '' : 'onEpochEnd function'].filter(Boolean);
  return `${keys.length ? `an object with ${keys.join(', ')}` : 'an empty object'} (no ${lacks.join(' nor ')})`;
}

/**
 * The monitor a module exports as its default: the object `{ name, onEpochEnd, … }` itself (see
 * `Monitor`; it is given the model at every call, so no factory), checked as `fit` checks monitors,
 * and remembered as coming from `path`: the record's `config.monitors` names the module, its errors
 * too. A UsageError naming the module, what its default export is and what it should be otherwise.
 * One object serves every run it is passed to: a monitor that keeps state resets it in `onTrainBegin`.
 *
 * @example
 * const monitor = await loadMonitor('./mnist-demo/examples/class-accuracy.ts');
 * await fit(model, data, { epochs: 3, validationData, monitors: [monitor] });   // record.epochs[i].monitors.classAccuracy
 */
export async function loadMonitor(path: string, options: { cwd?: string } = {}): Promise<Monitor> {
  const exported = await importDefaultExport(path, options.cwd ?? process.cwd(), 'monitor');
  if (!isMonitor(exported))
    throw new UsageError(
      `monitor module '${path}': its default export is ${exportShape(exported)}; export default the monitor itself, an object { name, onEpochEnd(epoch, { model, validationData }), onBatchEnd?, onTrainBegin?, view? } (each call is given the model: no factory)`,
    );
  try {
    checkMonitors([exported]);
  } catch (err) {
    throw err instanceof UsageError ? new UsageError(`monitor module '${path}': ${err.message}`) : err;
  }
  noteMonitorModule(exported, path);
  return exported;
}
