/**
 * TF.js's fused activations as ONNX nodes, applied to `input` to give `output`; undefined for one
 * that has no ONNX equivalent here (`prelu`), so the caller falls back to the host's kernel.
 */
import type { ConstantSpec, NodeSpec } from '../onnx/model.ts';

/** The nodes (and constants they read) of one activation. */
export interface ActivationGraph {
  readonly nodes: NodeSpec[];
  readonly constants: ConstantSpec[];
}

/** `activation` (as FusedConv2D and _FusedMatMul name it) from `input` to `output`. */
export function activationGraph(activation: string | undefined, input: string, output: string, leakyreluAlpha = 0.2): ActivationGraph | undefined {
  const one = (op: string, attrs?: NodeSpec['attrs']): ActivationGraph => ({
    nodes: [{ op, inputs: [input], outputs: [output], ...(attrs ? { attrs } : {}) }],
    constants: [],
  });
  switch (activation ?? 'linear') {
    case 'linear':
      return one('Identity');
    case 'relu':
      return one('Relu');
    case 'elu':
      return one('Elu', { alpha: { f: 1 } });
    case 'sigmoid':
      return one('Sigmoid');
    case 'leakyrelu':
      return one('LeakyRelu', { alpha: { f: leakyreluAlpha } });
    case 'relu6':
      return {
        nodes: [
          { op: 'Relu', inputs: [input], outputs: [`${output}_relu`] },
          { op: 'Min', inputs: [`${output}_relu`, 'six'], outputs: [output] },
        ],
        constants: [{ name: 'six', dims: [], values: Float32Array.of(6) }],
      };
    default:
      return undefined;
  }
}
