/**
 * checkSameNorms on records older penxes wrote (as old-records.test's, cut to what it reads: the
 * weights and each snapshot's norm count) against the weights this penx records for the same model
 * (`normedAxes` on the weight it norms): a layer whose norms the record holds otherwise, or cannot
 * tell how where its writers differed, is refused; the same norms, or ones every writer took alike, pass.
 */
import { describe, expect, it } from 'vitest';
import { ResumeNormsError } from '../../src/errors.ts';
import type { RunRecord, WeightInfo } from '../../src/formats/index.ts';
import { checkSameNorms } from '../../src/training/index.ts';

const kernel = (name: string, shape: number[], normedAxes?: number[]): WeightInfo => ({
  name,
  layer: name.split('/')[0] as string,
  shape,
  kind: 'kernel',
  trainable: true,
  ...(normedAxes ? { normedAxes } : {}),
});

/** A record of `weights` whose snapshots hold `count` norms of each layer named (none: no norms of it). */
const record = (weights: WeightInfo[], counts: Record<string, number>): RunRecord => {
  const norms = Object.entries(counts).map(([layer, n]) => ({ layer, norms: Array(n).fill(0.5), mean: 0.5, max: 0.5 }));
  return { config: { weights }, initial: { norms }, epochs: [{ norms }] } as unknown as RunRecord;
};

/** The weights without what records before b85df35 stated. */
const older = (weights: WeightInfo[]) => weights.map(({ normedAxes: _, ...w }) => w);

/** The refusal's message for `was`, or undefined when it passes. */
const refused = (was: RunRecord, now: WeightInfo[]) => {
  try {
    checkSameNorms(was, now, 'runs/old');
    return undefined;
  } catch (err) {
    expect(err).toBeInstanceOf(ResumeNormsError);
    return (err as Error).message;
  }
};

describe('checkSameNorms', () => {
  const sep = (filters: number) => [kernel('sep/depthwise_kernel', [3, 3, 4, 2]), kernel('sep/pointwise_kernel', [1, 1, 8, filters], [0, 1, 2])];

  it("refuses a SeparableConv2D's norms of its depthwise kernel (before 456e407), and where the record cannot tell and its writers differed", () => {
    expect(refused(record(older(sep(5)), { sep: 2 }), sep(5))).toContain(
      'the channel norms of sep of sep/depthwise_kernel [3, 3, 4, 2] over axis=0+1+2 (2 norms), this penx takes them of sep/pointwise_kernel [1, 1, 8, 5] over axis=0+1+2 (5 norms);',
    );
    expect(refused(record(older(sep(5)), { sep: 5 }), sep(5))).toBeUndefined();
    expect(refused(record(older(sep(2)), { sep: 2 }), sep(2))).toContain(
      'of sep in a way it cannot tell (a record written before it stated normedAxes cannot tell whether they are of sep/depthwise_kernel',
    );
  });

  it("refuses a DepthwiseConv2D's norms per multiplier (before 456e407) but where the input is one channel", () => {
    const dw = (input: number) => [kernel('dw/depthwise_kernel', [3, 3, input, 2], [0, 1])];
    expect(refused(record(older(dw(4)), { dw: 2 }), dw(4))).toContain('of dw/depthwise_kernel [3, 3, 4, 2] over axis=0+1+2 (2 norms)');
    expect(refused(record(older(dw(4)), { dw: 8 }), dw(4))).toBeUndefined();
    expect(refused(record(older(dw(1)), { dw: 2 }), dw(1))).toBeUndefined();
  });

  it('passes a record stating the same normedAxes, a Conv2D of in = out, and a layer the record holds no norms of (an Embedding before it had them)', () => {
    const up = [kernel('up/kernel', [2, 2, 3, 3], [0, 1, 3])];
    expect(refused(record(up, { up: 3 }), up)).toBeUndefined();
    expect(refused(record(older(up), { up: 3 }), up)).toContain('of up in a way it cannot tell');
    // No norms of it recorded: nothing to mix with.
    expect(refused(record(older(up), {}), up)).toBeUndefined();
    const conv = [kernel('conv/kernel', [3, 3, 4, 4], [0, 1, 2])];
    expect(refused(record(older(conv), { conv: 4 }), conv)).toBeUndefined();
    const emb = [kernel('emb/embeddings', [20, 8], [1])];
    expect(refused(record(older(emb), {}), emb)).toBeUndefined();
  });
});
