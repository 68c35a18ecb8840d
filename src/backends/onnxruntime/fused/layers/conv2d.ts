/**
 * Conv2D (channels last, any strides, dilations, `valid` or `same` padding) in the fused graph,
 * from the kernel graphs the per-kernel path measured fastest (conv-plans.ts: Winograd for 3×3
 * stride-1 convolutions with enough channels, ONNX Runtime's Conv otherwise):
 *
 *   forward    y = act(conv(x, w) + b)         relu and linear inside the conv graph; others after it
 *   backward   dz = act'(dy)  ─► db = Σ dz over (n, h, w)
 *                             ─► dw = filter gradient of (x, dz)      (Winograd or im2col products)
 *                             ─► dx = input gradient of (dz, w)       (only below the first layer)
 */
import { type ConvGeometry, convGeometry } from '../../graphs/conv-geometry.ts';
import { filterGradGraph, forwardGraph, inputGradGraph, takesTail } from '../../graphs/conv-plans.ts';
import type { GraphBuilder } from '../../onnx/builder.ts';
import { activationOf } from './activation.ts';
import { configOf, type LayerPlanner, pair } from './layer.ts';

/** Activations the conv graphs apply themselves (backward from y alone). */
const IN_GRAPH = new Set(['linear', 'relu']);

/** The planner of Conv2D layers (see the file's comment): their emitter, or why the graph cannot express one. */
export const planConv2D: LayerPlanner = (layer, inShape, activation) => {
  const c = configOf(layer);
  if (c['dataFormat'] !== 'channelsLast') return `${layer.name}: Conv2D with data format ${String(c['dataFormat'])} (the fused graph takes channelsLast)`;
  if (c['padding'] !== 'valid' && c['padding'] !== 'same') return `${layer.name}: Conv2D with padding ${String(c['padding'])}`;
  if (c['activityRegularizer']) return `${layer.name}: an activity regularizer (a loss term on activations)`;
  if (inShape.length !== 3) return `${layer.name}: Conv2D on inputs of rank ${inShape.length + 1}`;
  const act = activationOf(activation ?? (c['activation'] as string | undefined));
  if (!act) return `${layer.name}: activation ${String(c['activation'])}`;
  const [kernel, bias] = layer.weights;
  const strides = pair(c['strides']);
  const dilations = pair(c['dilationRate'] ?? 1);
  if (kernel?.shape.length !== 4 || !strides || !dilations || layer.weights.length !== (c['useBias'] ? 2 : 1))
    return `${layer.name}: Conv2D weights or options the fused graph does not know`;
  const at = (n: number): ConvGeometry | undefined =>
    convGeometry([n, ...inShape], kernel.shape as number[], { strides, pad: c['padding'] as 'valid' | 'same', dataFormat: 'NHWC', dilations });
  const g1 = at(1);
  if (!g1 || !forwardGraph(g1, bias !== undefined) || !inputGradGraph(g1)) return `${layer.name}: a Conv2D geometry ONNX sizes differently`;
  const fused = IN_GRAPH.has(act.name);
  return {
    outShape: [g1.outH, g1.outW, g1.outC],
    weights: bias ? [kernel, bias] : [kernel],
    forward(b: GraphBuilder, x, ctx) {
      const g = at(ctx.n)!;
      const w = ctx.weight(kernel);
      const feeds = { x, w, ...(bias ? { b: ctx.weight(bias) } : {}) };
      const fwd = forwardGraph(g, bias !== undefined, fused ? act.name : 'linear');
      if (!fwd) throw new Error(`${layer.name}: no forward graph for its geometry`);
      const [out] = b.inline(fwd, feeds);
      const z = out!;
      const y = fused ? z : act.forward(b, z);
      // `tail`: dz as [n·h + 1, w, c] (a row of zeros after the batch; only when takesTail).
      const backward = (bb: GraphBuilder, dz: string, needDx: boolean, tail = false): string | undefined => {
        if (bias && ctx.trains(bias)) ctx.gradient(bias, bb.sum(dz, tail ? [0, 1] : [0, 1, 2]));
        if (ctx.trains(kernel)) ctx.gradient(kernel, bb.inline(filterGradGraph(g, tail), { x, dy: dz })[0]!);
        if (!needDx) return undefined;
        const back = inputGradGraph(g, tail);
        if (!back) throw new Error(`${layer.name}: no input-gradient graph for its geometry`);
        return bb.inline(back, { x: dz, dy: dz, w })[0];
      };
      return {
        y,
        backward: (bb, dy, needDx) => backward(bb, act.backward(bb, dy, { z, y }), needDx),
        ...(act.name === 'relu' ? { gatedBackward: backward, takesTail: takesTail(g) } : {}),
      };
    },
  };
};
