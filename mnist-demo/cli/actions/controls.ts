/**
 * The command line's grammar for per-layer controls, parsed into the library's structured form:
 *
 *   --lr-mult 'conv2d_1=0.1,dense*=2'                 → lrMult: [{ pattern, factor }]
 *   --grad 'conv*:clipnorm=1,scale=0.5;dense_2:zero'  → grad: [{ pattern, transform }], freeze: ['dense_2']
 *   --grad 'dense_1:./my-transform.ts'                → a user's module (a function of the gradient)
 *
 * Entries of --grad are `pattern:item[,item]` separated by `;`; an item is `kind[=value]` (a
 * gradient transform of the catalogue, `TRANSFORM_SIGNATURES`) or a module path.
 * `zero` freezes the layer (its gradient and its update are zeroed).
 */
import { type GradControl, isModuleRef, type LayerControls, loadGradientTransform, SpecError } from 'penalty-explorer/node';
import { gradSpecs } from '../grad-flag.ts';
import { parseLrMult } from '../lr-mult-flag.ts';

/** --grad text as gradient controls and freezes (its specs checked by `gradSpecs`); modules are imported and probed. */
export async function parseGrad(text: string): Promise<Pick<LayerControls, 'grad' | 'freeze'>> {
  const grad: GradControl[] = [];
  const freeze: string[] = [];
  for (const { pattern, specs } of gradSpecs(text)) {
    for (const spec of specs) {
      if (spec === 'zero') freeze.push(pattern);
      else if (!isModuleRef(spec)) grad.push({ pattern, transform: spec });
      else {
        try {
          grad.push({ pattern, transform: await loadGradientTransform(spec), name: spec });
        } catch (err) {
          if (err instanceof SpecError) throw new SpecError(`--grad ${pattern}: ${err.message}`);
          throw err;
        }
      }
    }
  }
  return { ...(grad.length ? { grad } : {}), ...(freeze.length ? { freeze } : {}) };
}

/** Both flags as the library's layer controls (undefined when neither is given). */
export async function parseControls(lrMult: string | undefined, grad: string | undefined): Promise<LayerControls | undefined> {
  if (lrMult === undefined && grad === undefined) return undefined;
  return { ...(lrMult !== undefined ? { lrMult: parseLrMult(lrMult) } : {}), ...(grad !== undefined ? await parseGrad(grad) : {}) };
}
