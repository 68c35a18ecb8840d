/**
 * `checkSpec` (penalty-explorer/spec) judges a spec as its catalogue does when it resolves it, from
 * the built-ins' signatures alone: for every spec below, the same normalised spec or the same
 * SpecError as the library's catalogue — and it loads no TF.js (test/package/tf-loading.test.ts
 * covers the entry; the command line's early refusals, test/cli/early-checks.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkSpec, constraintCatalog, gradientTransformCatalog, type Kind, optimizerCatalog, penalty, penaltyCatalog, specNames } from '../../src/index.ts';
import { CONSTRAINT_SIGNATURES, OPTIMIZER_SIGNATURES, PENALTY_SIGNATURES, TRANSFORM_SIGNATURES } from '../../src/registry/index.ts';

/** What the library's catalogue makes of `spec`: its normalised spec (a transform: that it resolved), or its error's message. */
function library(kind: Kind, spec: string): string {
  try {
    if (kind === 'penalty') return penalty(spec).spec;
    const catalog = { constraint: constraintCatalog, optimizer: optimizerCatalog, 'gradient transform': gradientTransformCatalog }[kind];
    const bound = catalog.resolve(spec) as unknown;
    return typeof bound === 'object' && bound !== null && 'spec' in bound ? (bound as { spec: string }).spec : 'resolved';
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

/** What `checkSpec` makes of it, in the same terms. */
function checked(kind: Kind, spec: string): string {
  try {
    const bound = checkSpec(kind, spec);
    return bound === undefined ? 'module' : kind === 'gradient transform' ? 'resolved' : bound;
  } catch (err) {
    return `${(err as Error).name}: ${(err as Error).message}`;
  }
}

const CASES: Record<Kind, string[]> = {
  penalty: [
    'l1:-3',
    'nope:1',
    'l1:abc',
    'l1:1e-400',
    'none:1',
    'none',
    'l1:1e-4,prox',
    'l2:1e-4,prox',
    'none,prox',
    'deadzone:1e-4,a=0.3,prox',
    'l1l2:1,l1=1e-3,prox',
    'deadzone:1e-4,a=0.3',
    'deadzone:1e-4,a=-1',
    'deadzone:1e-4,b=1',
    'lp:1e-4,p=0',
    'l1l2,l1=1e-3',
    'l1l2:1,l1=1e-3,l1=2',
    ':1',
    '',
  ],
  constraint: [
    'maxnorm:x',
    'maxnorm:m=2',
    'maxnorm:m=-1',
    'maxnorm:m=2,axis=0+1+2',
    'maxnorm:m=2,axis=0+0',
    'maxnorm:m=2,axis=1,perchannel=1',
    'maxnorm:m=2,perchannel=2',
    'minmaxnorm:min=3,max=1',
    'minmaxnorm:min=0,max=5,rate=0.1',
    'nonneg:c=1',
    'bogus',
  ],
  optimizer: [
    'adam:lr=abc',
    'adam:lr=0',
    'adam:beta1=1',
    'adamw:lr=1e-3,wd=1e-4',
    'sgd:0.1',
    'sgd:mom=1',
    'nadam',
    './mine.ts',
    'momentum:lr=0.01,m=0.9,nesterov=1',
    'momentum:lr=0.01,nesterov=0',
    'momentum:m=0,nesterov=1',
    'momentum:nesterov=2',
    'adagrad:lr=0.01,init=0,eps=1e-10',
    'adagrad:init=-1',
  ],
  'gradient transform': ['clipnorm:1', 'clipnorm:c=0', 'clipnorm:abc', 'scale:-2', 'zero', 'zero:1', 'clipvalue:1,c=2', 'clipl1:c=1,d=2', 'bogus:1'],
};

describe('checkSpec agrees with the catalogues', () => {
  for (const [kind, specs] of Object.entries(CASES) as Array<[Kind, string[]]>) {
    it.each(specs)(`${kind} %j: the catalogue's normalised spec or its SpecError`, (spec) => {
      expect(checked(kind, spec)).toBe(library(kind, spec));
    });
  }

  it('every built-in at its defaults, and with a value of each parameter out of its bounds', () => {
    const kinds: Array<[Kind, Record<string, { params: Record<string, { default: number; min?: number; above?: number }> }>]> = [
      ['penalty', PENALTY_SIGNATURES],
      ['constraint', CONSTRAINT_SIGNATURES],
      ['optimizer', OPTIMIZER_SIGNATURES],
      ['gradient transform', TRANSFORM_SIGNATURES],
    ];
    let compared = 0;
    for (const [kind, signatures] of kinds) {
      for (const [name, { params }] of Object.entries(signatures)) {
        const specs = [name, ...Object.entries(params).map(([k, d]) => `${name}:${k}=${(d.min ?? d.above ?? d.default) - 1}`)];
        for (const spec of specs) {
          expect(checked(kind, spec), spec).toBe(library(kind, spec));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(30);
  });

  it('names the same entries as the catalogues, built-ins first', () => {
    expect(specNames('penalty')).toEqual(penaltyCatalog.names());
    expect(specNames('constraint')).toEqual(constraintCatalog.names());
    expect(specNames('optimizer')).toEqual(optimizerCatalog.names());
    expect(specNames('gradient transform')).toEqual(gradientTransformCatalog.names());
  });

  it('passes a module path unjudged (its module is judged when imported)', () => {
    expect(checkSpec('penalty', './mine.ts:1e-4,k=2')).toBeUndefined();
    expect(checkSpec('constraint', './mine.ts:c=1')).toBeUndefined();
    expect(checkSpec('gradient transform', './sign.ts')).toBeUndefined();
  });
});
