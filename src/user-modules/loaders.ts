/**
 * `loadPenalty`, `loadConstraint` and `loadGradientTransform`: a spec that may name a user's module
 * (Node only; see import.ts). A gradient transform's module exports either
 * `defineGradientTransform({ name, params, fn })` or a plain function `(grad, weight, name) => tensor`
 * (which then takes no parameters).
 */
import { constraintCatalog, type PenxConstraint } from '../constraints/index.ts';
import { SpecError } from '../errors.ts';
import { fromFunction, type GradientFunction, type GradientTransform, gradientTransformCatalog, probeTransform } from '../optim/index.ts';
import { type PenaltyRegularizer, penaltyCatalog, proximalPenalty, splitProxFlag } from '../penalties/index.ts';
import { isModuleRef, noteOrigin, parseSpec, runUserCode } from '../registry/index.ts';
import { importDefaultExport, loadSpec } from './import.ts';

/**
 * Like `penalty()`, but also imports a module path (`./my-penalty.ts:1e-4,k=2`) and probes the
 * result; a trailing `,prox` gives the penalty in proximal mode.
 *
 * @example
 * const reg = await loadPenalty('./mnist-demo/examples/logsum-penalty.ts:1e-4,eps=0.05');
 */
export async function loadPenalty(spec: string, options: { cwd?: string } = {}): Promise<PenaltyRegularizer> {
  const { spec: base, prox } = splitProxFlag(spec);
  const reg = await loadSpec(penaltyCatalog, base, options);
  return prox ? proximalPenalty(reg) : reg;
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
