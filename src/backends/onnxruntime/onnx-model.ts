/**
 * Small ONNX models built in memory, one graph per kernel shape:
 *
 *   { inputs, outputs, nodes, constants } ─► ModelProto (protobufjs, onnx-schema.ts) ─► bytes for a session
 *
 * Shapes are static (every dimension known), so ONNX Runtime plans each session's memory once.
 */
import protobuf from 'protobufjs/light.js';
import { ATTRIBUTE_TYPE, DATA_TYPE, ONNX_SCHEMA } from './onnx-schema.ts';

/** An attribute value: whole numbers are INT(S); `{ f }` is a FLOAT, `{ floats }` FLOATS; a string is STRING. */
export type AttrValue = number | readonly number[] | string | { readonly f: number } | { readonly floats: readonly number[] };

/** One node of a graph. */
export interface NodeSpec {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attrs?: Readonly<Record<string, AttrValue>>;
  /** Operator domain: '' (ONNX) or 'com.microsoft' (ONNX Runtime's contrib operators). */
  readonly domain?: string;
}

/** A named graph input or output: float32 unless said otherwise. */
export interface ValueSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly type?: keyof typeof DATA_TYPE;
}

/** A constant baked into the model (int64 for shapes and axes). */
export interface ConstantSpec {
  readonly name: string;
  readonly dims: readonly number[];
  readonly values: Float32Array | Int32Array | BigInt64Array;
}

/** A whole graph: its inputs and outputs (static shapes), nodes in topological order, constants. */
export interface GraphSpec {
  readonly inputs: readonly ValueSpec[];
  readonly outputs: readonly ValueSpec[];
  readonly nodes: readonly NodeSpec[];
  readonly constants?: readonly ConstantSpec[];
  /**
   * Run its session with ONNX Runtime's memory arena: for a small graph with large intermediates
   * that runs every step, whose intermediates are then reused instead of freshly allocated (and
   * page-faulted) on every run.
   */
  readonly arena?: boolean;
}

/** ONNX IR version 8 and the opsets used: ONNX 17, ONNX Runtime's contrib domain 1. */
const IR_VERSION = 8;
const OPSETS = [
  { domain: '', version: 17 },
  { domain: 'com.microsoft', version: 1 },
];

const root = protobuf.Root.fromJSON(ONNX_SCHEMA);
const ModelProto = root.lookupType('onnx.ModelProto');

function attribute(name: string, v: AttrValue): Record<string, unknown> {
  if (typeof v === 'number') return { name, type: ATTRIBUTE_TYPE.INT, i: v };
  if (typeof v === 'string') return { name, type: ATTRIBUTE_TYPE.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: ATTRIBUTE_TYPE.INTS, ints: v };
  if ('f' in v) return { name, type: ATTRIBUTE_TYPE.FLOAT, f: v.f };
  return { name, type: ATTRIBUTE_TYPE.FLOATS, floats: (v as { floats: readonly number[] }).floats };
}

function valueInfo(v: ValueSpec): Record<string, unknown> {
  return { name: v.name, type: { tensorType: { elemType: DATA_TYPE[v.type ?? 'float32'], shape: { dim: v.shape.map((d) => ({ dimValue: d })) } } } };
}

function constant(c: ConstantSpec): Record<string, unknown> {
  const dataType = c.values instanceof Float32Array ? DATA_TYPE.float32 : c.values instanceof Int32Array ? DATA_TYPE.int32 : DATA_TYPE.int64;
  return { name: c.name, dims: c.dims, dataType, rawData: new Uint8Array(c.values.buffer, c.values.byteOffset, c.values.byteLength) };
}

/** The serialized ONNX model of `g`. */
export function encodeModel(g: GraphSpec): Uint8Array {
  const message = ModelProto.fromObject({
    irVersion: IR_VERSION,
    producerName: 'penalty-explorer',
    opsetImport: OPSETS,
    graph: {
      name: 'kernel',
      node: g.nodes.map((n, i) => ({
        name: `n${i}`,
        opType: n.op,
        domain: n.domain ?? '',
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: (g.constants ?? []).map(constant),
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
    },
  });
  return ModelProto.encode(message).finish();
}

/** An int64 constant (shapes, axes, pads) for `constants`. */
export function int64s(name: string, values: readonly number[]): ConstantSpec {
  return { name, dims: [values.length], values: BigInt64Array.from(values, (v) => BigInt(v)) };
}
