/**
 * Building an ONNX graph node by node, with fresh names, and the small helpers every graph here
 * uses (int64 constants for shapes and axes, Reshape, Slice, Pad, Concat), plus `inline`: another
 * graph's nodes copied in under fresh names, its inputs wired to values of this one, so a graph
 * built for one kernel (a Winograd convolution, say) becomes part of a larger one:
 *
 *   const b = new GraphBuilder('p');
 *   const y = b.op('Relu', [x]);
 *   const [z] = b.inline(someKernelGraph, { x: y, w: 'w1' });
 */
import { type AttrValue, type ConstantSpec, type GraphSpec, int64s, type NodeSpec, type ValueSpec } from './model.ts';

/**
 * The key under which `graph` keeps equal constants once: the values' type, the dims, and the
 * values' bytes, float zeros and NaNs made one each first — constants whose values print alike
 * (`String(v)`: 0 and −0 both `0`, every NaN `NaN`) share a key, others never. Bytes, not text: the
 * reference CNN's four fused graphs (training and evaluation, for this thread and a shard worker)
 * took 149 ms of CPU to print their constants, 28 ms this way (of 247 and 132 ms to build them).
 *
 * @example
 * constantKey({ name: 'a', dims: [2], values: Float32Array.of(-0, 1) }) === constantKey({ name: 'b', dims: [2], values: Float32Array.of(0, 1) })   // true
 * constantKey({ name: 'a', dims: [2], values: Int32Array.of(0, 1) }) === constantKey({ name: 'b', dims: [2], values: Float32Array.of(0, 1) })     // false
 */
export function constantKey(c: ConstantSpec): string {
  const v = c.values instanceof Float32Array ? c.values.map((x) => (Number.isNaN(x) ? Number.NaN : x === 0 ? 0 : x)) : c.values;
  return `${v.constructor.name}|${c.dims.join(',')}|${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1')}`;
}

/** Builds an ONNX graph node by node, with fresh names (see the file's comment). */
export class GraphBuilder {
  readonly nodes: NodeSpec[] = [];
  readonly constants: ConstantSpec[] = [];
  private count = 0;
  private readonly scalars = new Map<number, string>();

  /** `prefix` starts every name made here (two builders with different prefixes never clash). */
  constructor(private readonly prefix = 't') {}

  /** A fresh name. */
  fresh(): string {
    return `${this.prefix}${this.count++}`;
  }

  /** A node with one output, named afresh unless `out` is given. */
  op(op: string, inputs: readonly string[], attrs?: Readonly<Record<string, AttrValue>>, out?: string, domain?: string): string {
    const name = out ?? this.fresh();
    this.nodes.push({ op, inputs, outputs: [name], ...(attrs ? { attrs } : {}), ...(domain ? { domain } : {}) });
    return name;
  }

  /** An int64 constant. */
  ints(values: readonly number[]): string {
    const name = this.fresh();
    this.constants.push(int64s(name, values));
    return name;
  }

  /** A float32 scalar constant (one per value). */
  scalar(value: number): string {
    const known = this.scalars.get(value);
    if (known) return known;
    const name = this.fresh();
    this.constants.push({ name, dims: [], values: Float32Array.of(value) });
    this.scalars.set(value, name);
    return name;
  }

  /** A float32 constant of any shape. */
  floats(dims: readonly number[], values: Float32Array): string {
    const name = this.fresh();
    this.constants.push({ name, dims, values });
    return name;
  }

  /** An int32 constant (indices for Gather). */
  int32s(values: Int32Array): string {
    const name = this.fresh();
    this.constants.push({ name, dims: [values.length], values });
    return name;
  }

  reshape(x: string, shape: readonly number[]): string {
    return this.op('Reshape', [x, this.ints(shape)]);
  }

  /** x[begin:end] along `axes` (with `steps`). */
  slice(x: string, begin: readonly number[], end: readonly number[], axes: readonly number[], steps?: readonly number[]): string {
    return this.op('Slice', [x, this.ints(begin), this.ints(end), this.ints(axes), ...(steps ? [this.ints(steps)] : [])]);
  }

  /** x zero-padded at the start of each axis by `before` and at its end by `after` (negative pads crop). */
  pad(x: string, before: readonly number[], after: readonly number[]): string {
    return [...before, ...after].every((p) => p === 0) ? x : this.op('Pad', [x, this.ints([...before, ...after])]);
  }

  concat(parts: readonly string[], axis: number): string {
    return parts.length === 1 ? parts[0]! : this.op('Concat', parts, { axis });
  }

  transpose(x: string, perm: readonly number[]): string {
    return this.op('Transpose', [x], { perm });
  }

  /** Σ of x over `axes` (kept as 1s with `keep`). */
  sum(x: string, axes: readonly number[], keep = false): string {
    return this.op('ReduceSum', [x, this.ints(axes)], { keepdims: keep ? 1 : 0 });
  }

  /**
   * Copy `g`'s nodes and constants in under fresh names, its inputs read from `feeds` (input name
   * → a value of this graph); returns its outputs' new names, in `g`'s order.
   */
  inline(g: GraphSpec, feeds: Readonly<Record<string, string>>): string[] {
    const names = new Map<string, string>();
    for (const v of g.inputs) {
      const fed = feeds[v.name];
      if (fed === undefined) throw new Error(`inline: no value for the graph's input ${v.name}`);
      names.set(v.name, fed);
    }
    const rename = (n: string): string => {
      if (n === '') return n;
      let r = names.get(n);
      if (r === undefined) names.set(n, (r = this.fresh()));
      return r;
    };
    for (const c of g.constants ?? []) this.constants.push({ ...c, name: rename(c.name) });
    for (const n of g.nodes) this.nodes.push({ ...n, inputs: n.inputs.map(rename), outputs: n.outputs.map(rename) });
    return g.outputs.map((o) => rename(o.name));
  }

  /**
   * The graph with these inputs and outputs (the outputs' values named as they are). Equal
   * constants (the shapes, axes and pads that every inlined piece makes its own) are kept once:
   * ONNX Runtime spends time per initializer when it loads a model.
   */
  graph(inputs: readonly ValueSpec[], outputs: readonly ValueSpec[], arena?: boolean): GraphSpec {
    const first = new Map<string, string>();
    const alias = new Map<string, string>();
    const constants: ConstantSpec[] = [];
    for (const c of this.constants) {
      const key = constantKey(c);
      const known = first.get(key);
      if (known) alias.set(c.name, known);
      else {
        first.set(key, c.name);
        constants.push(c);
      }
    }
    const nodes = alias.size === 0 ? this.nodes : this.nodes.map((n) => ({ ...n, inputs: n.inputs.map((i) => alias.get(i) ?? i) }));
    return { inputs, outputs, nodes, constants, ...(arena === undefined ? {} : { arena }) };
  }
}
