/**
 * The built-in gradient transforms' signatures — formula, doc, parameters — as data (no TF.js), so
 * a spec is checked (`checkSpec`, penalty-explorer/spec) without loading the transforms.
 * `optim/gradient-transforms.ts` gives each its transform (the compiler checks that every signature
 * has one, and nothing else). A spec's bare value is the first parameter: `clipnorm:1` is `clipnorm:c=1`.
 */
import type { CatalogEntry, Positional } from './catalog.ts';
import type { ParamDefs } from './params.ts';

/** What a gradient transform is to a spec or a listing: its update of g, a line of doc and its parameters. */
export interface TransformSignature {
  /** Its update of the gradient g, e.g. `g ← clip(g, −c, c)`. */
  readonly formula: string;
  readonly doc: string;
  readonly params: ParamDefs;
}

const bound = (doc: string) => ({ default: 1, above: 0, doc });

/** The built-in gradient transforms' signatures by name: clipvalue, clipnorm, clipglobalnorm, clipl1, scale, zero. */
export const TRANSFORM_SIGNATURES = {
  clipvalue: { formula: 'g ← clip(g, −c, c)', doc: 'Clip each entry. Example: clipvalue:0.5', params: { c: bound('bound') } },
  clipnorm: {
    formula: 'g ← g · min(1, c / ‖g‖₂)',
    doc: "Clip the L2 norm of each weight's gradient. Example: clipnorm:1",
    params: { c: bound('largest L2 norm') },
  },
  clipglobalnorm: {
    formula: 'gᵢ ← gᵢ · min(1, c / ‖(g₁, …, gₙ)‖₂)',
    doc: "Clip the L2 norm of all the matched weights' gradients as one vector (Optax's clip_by_global_norm, PyTorch's clip_grad_norm_). Example: clipglobalnorm:1",
    params: { c: bound('largest global L2 norm') },
  },
  clipl1: {
    formula: 'g ← g · min(1, c / ‖g‖₁)',
    doc: "Clip the L1 norm of each weight's gradient. Example: clipl1:10",
    params: { c: bound('largest L1 norm') },
  },
  scale: { formula: 'g ← s·g', doc: 'Scale the gradient. Example: scale:0.5', params: { s: { default: 1, doc: 'factor' } } },
  zero: {
    formula: 'g ← 0',
    doc: 'Zero the gradient (an optimiser with decoupled decay still moves the weight; freeze to stop it).',
    params: {},
  },
} as const satisfies Readonly<Record<string, TransformSignature>>;

/** The name of a built-in gradient transform: `clipvalue`, `clipnorm`, `clipglobalnorm`, `clipl1`, `scale` or `zero`. */
export type TransformName = keyof typeof TRANSFORM_SIGNATURES;

/** A transform spec's bare value: its first parameter (`clipnorm:1` is `clipnorm:c=1`). */
export const TRANSFORM_VALUE: Positional<CatalogEntry> = { name: 'value', of: (e) => Object.values(e.params)[0], asFirstParam: true };
