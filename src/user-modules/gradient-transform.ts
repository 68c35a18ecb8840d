/**
 * A gradient transform named in a spec, imported from a user's module when it is a path (Node
 * only): the module's default export is either `defineGradientTransform({ name, params, fn })`
 * or a plain function `(grad, weight, name) => tensor` (then it takes no parameters).
 */
import { SpecError } from '../spec/errors.ts';
import { noteOrigin, runUserCode } from '../spec/user-code.ts';
import { importDefaultExport } from '../spec/module.ts';
import { isModuleRef, parseSpec } from '../spec/parse.ts';
import { gradientTransformCatalog, probeTransform, type GradientFunction } from './gradient-transforms.ts';
import { fromFunction } from './clip.ts';
import type { GradientTransform } from './transform.ts';

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
    throw new SpecError(`gradient transform module '${parsed.name}': its default export must be a function (grad, weight, name) => tensor, or defineGradientTransform({ name, params, fn })`);
  }
  if (parsed.positional !== undefined || parsed.params.length > 0) throw new SpecError(`gradient transform module '${parsed.name}' exports a plain function, which takes no parameters; got '${spec}'`);
  const fn = exported as GradientFunction;
  const t = fromFunction((g, w, n) => runUserCode(fn, () => `gradient transform ${parsed.name} (of ${n})`, () => fn(g, w, n, {})));
  probeTransform(t, `gradient transform module '${parsed.name}'`);
  return t;
}
