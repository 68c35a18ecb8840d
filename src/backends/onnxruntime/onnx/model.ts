/**
 * Small ONNX models built in memory, one graph per kernel shape:
 *
 *   { inputs, outputs, nodes, constants } ─► ModelProto (onnx-buf: ONNX's own onnx.proto, generated for
 *   @bufbuild/protobuf) ─► bytes for a session
 *
 * Shapes are static (every dimension known), so ONNX Runtime plans each session's memory once.
 */
import { create, type MessageInitShape, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType,
  type AttributeProtoSchema,
  ModelProtoSchema,
  TensorProto_DataType,
  type TensorProtoSchema,
  type ValueInfoProtoSchema,
} from 'onnx-buf';

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
  readonly type?: 'float32' | 'int32' | 'int64';
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
const IR_VERSION = 8n;
const OPSETS = [
  { domain: '', version: 17n },
  { domain: 'com.microsoft', version: 1n },
];

/** TensorProto.DataType of each element type used here. */
const DATA_TYPE = { float32: TensorProto_DataType.FLOAT, int32: TensorProto_DataType.INT32, int64: TensorProto_DataType.INT64 } as const;

function attribute(name: string, v: AttrValue): MessageInitShape<typeof AttributeProtoSchema> {
  const T = AttributeProto_AttributeType;
  if (typeof v === 'number') return { name, type: T.INT, i: BigInt(v) };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v.map((x) => BigInt(x)) };
  if ('f' in v) return { name, type: T.FLOAT, f: v.f };
  return { name, type: T.FLOATS, floats: [...(v as { floats: readonly number[] }).floats] };
}

function valueInfo(v: ValueSpec): MessageInitShape<typeof ValueInfoProtoSchema> {
  const dim = v.shape.map((d) => ({ value: { case: 'dimValue' as const, value: BigInt(d) } }));
  return { name: v.name, type: { value: { case: 'tensorType', value: { elemType: DATA_TYPE[v.type ?? 'float32'], shape: { dim } } } } };
}

function constant(c: ConstantSpec): MessageInitShape<typeof TensorProtoSchema> {
  const dataType = c.values instanceof Float32Array ? DATA_TYPE.float32 : c.values instanceof Int32Array ? DATA_TYPE.int32 : DATA_TYPE.int64;
  return {
    name: c.name,
    dims: c.dims.map((d) => BigInt(d)),
    dataType,
    rawData: new Uint8Array(c.values.buffer as ArrayBuffer, c.values.byteOffset, c.values.byteLength),
  };
}

/** The serialized ONNX model of `g`. */
export function encodeModel(g: GraphSpec): Uint8Array {
  const model = create(ModelProtoSchema, {
    irVersion: IR_VERSION,
    producerName: 'penalty-explorer',
    opsetImport: OPSETS,
    graph: {
      name: 'kernel',
      node: g.nodes.map((n, i) => ({
        name: `n${i}`,
        opType: n.op,
        domain: n.domain ?? '',
        input: [...n.inputs],
        output: [...n.outputs],
        attribute: Object.entries(n.attrs ?? {}).map(([k, v]) => attribute(k, v)),
      })),
      initializer: (g.constants ?? []).map(constant),
      input: g.inputs.map(valueInfo),
      output: g.outputs.map(valueInfo),
    },
  });
  return toBinary(ModelProtoSchema, model);
}

/** An int64 constant (shapes, axes, pads) for `constants`. */
export function int64s(name: string, values: readonly number[]): ConstantSpec {
  return { name, dims: [values.length], values: BigInt64Array.from(values, (v) => BigInt(v)) };
}
