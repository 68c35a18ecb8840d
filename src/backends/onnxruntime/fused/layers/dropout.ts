/**
 * Dropout in the fused graph. TF.js multiplies by floor(u + keep)/keep, u uniform in [0, 1) of the
 * noise shape, drawn with the layer's seed; the multiplier is drawn here the same way, by the same
 * TF.js ops in the same order, and fed to the graph, so a seeded layer drops the same units as on
 * the per-kernel path:
 *
 *   training    y = x · m,  dx = dy · m          (m broadcast over the noise shape's 1s)
 *   evaluation  y = x                            (TF.js: also for rate 0 or 1)
 */
import { tf } from '../../../../tf.ts';
import { configOf, type LayerPlanner } from './layer.ts';

/** The planner of Dropout layers (see the file's comment): the multiplier m as a per-step input. */
export const planDropout: LayerPlanner = (layer, inShape) => {
  const c = configOf(layer);
  const rate = c['rate'] as number;
  const seed = c['seed'] as number | undefined;
  const noise = c['noiseShape'] as Array<number | null> | undefined;
  const active = rate > 0 && rate < 1;
  if (noise && noise.length !== inShape.length + 1) return `${layer.name}: Dropout with a noise shape of another rank`;
  /** The noise shape per sample (batch axis apart): TF.js fills its null dims from the input. */
  const perSample = noise ? noise.slice(1).map((d, i) => d ?? (inShape[i] as number)) : [...inShape];
  const perBatch = noise && noise[0] !== null ? noise[0] : undefined;
  return {
    outShape: inShape,
    weights: [],
    forward(b, x, ctx) {
      if (!ctx.training || !active) return { y: x, backward: (_bb, dy, needDx) => (needDx ? dy : undefined) };
      const keep = 1 - rate;
      const m = ctx.input([perBatch ?? ctx.n, ...perSample], (n) =>
        tf.tidy(() => tf.div(tf.floor(tf.add(tf.randomUniform([perBatch ?? n, ...perSample], 0, 1, 'float32', seed), keep)), keep)),
      );
      return {
        y: b.op('Mul', [x, m]),
        backward: (bb, dy, needDx) => (needDx ? bb.op('Mul', [dy, m]) : undefined),
      };
    },
  };
};
