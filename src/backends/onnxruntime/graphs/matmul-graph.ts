/**
 * ONNX graph of TF.js's BatchMatMul and _FusedMatMul:
 *
 *   rank 2:  Gemm(a, b; transA, transB) ─► + bias ─► activation      (transposes folded into the GEMM)
 *   rank 3+: Transpose (last two axes, if asked) ─► MatMul (batch dims broadcast) ─► + bias ─► activation
 */

import type { GraphSpec, NodeSpec } from '../onnx/model.ts';
import { activationGraph } from './activation.ts';

/** Shapes and options of one product. */
export interface MatMulSpec {
  readonly aShape: readonly number[];
  readonly bShape: readonly number[];
  readonly outShape: readonly number[];
  readonly transposeA: boolean;
  readonly transposeB: boolean;
  readonly biasShape?: readonly number[];
  readonly activation?: string;
  readonly leakyreluAlpha?: number;
}

function swapLast(rank: number): number[] {
  return [...Array(rank).keys()].map((i) => (i < rank - 2 ? i : 2 * rank - 3 - i));
}

/** out = activation(op(a) · op(b) + bias); undefined for an activation ONNX lacks here. */
export function matMulGraph(m: MatMulSpec): GraphSpec | undefined {
  const act = activationGraph(m.activation, 'z', 'out', m.leakyreluAlpha);
  if (!act) return undefined;
  const nodes: NodeSpec[] = [];
  if (m.aShape.length === 2 && m.bShape.length === 2) {
    nodes.push({ op: 'Gemm', inputs: ['a', 'b'], outputs: ['p'], attrs: { transA: m.transposeA ? 1 : 0, transB: m.transposeB ? 1 : 0 } });
  } else {
    const side = (name: 'a' | 'b', shape: readonly number[], t: boolean) => {
      if (!t) return name;
      nodes.push({ op: 'Transpose', inputs: [name], outputs: [`${name}t`], attrs: { perm: swapLast(shape.length) } });
      return `${name}t`;
    };
    nodes.push({ op: 'MatMul', inputs: [side('a', m.aShape, m.transposeA), side('b', m.bShape, m.transposeB)], outputs: ['p'] });
  }
  nodes.push(m.biasShape ? { op: 'Add', inputs: ['p', 'bias'], outputs: ['z'] } : { op: 'Identity', inputs: ['p'], outputs: ['z'] }, ...act.nodes);
  return {
    inputs: [{ name: 'a', shape: m.aShape }, { name: 'b', shape: m.bShape }, ...(m.biasShape ? [{ name: 'bias', shape: m.biasShape }] : [])],
    outputs: [{ name: 'out', shape: m.outShape }],
    constants: act.constants,
    nodes,
  };
}
