/**
 * GraphBuilder.graph keeps equal constants once, by `constantKey`: from the values' bytes, with the
 * same equality as the printed values it replaced (`String(v)`: 0 and −0 alike, every NaN alike).
 */
import { describe, expect, it } from 'vitest';
import { constantKey, GraphBuilder } from '../../src/backends/onnxruntime/onnx/builder.ts';
import type { ConstantSpec } from '../../src/backends/onnxruntime/onnx/model.ts';

/** A float32 NaN other than the one `Float32Array.of(NaN)` stores. */
const otherNaN = new Float32Array(new Uint32Array([0x7fc00001]).buffer)[0]!;
const FLOATS = [0, -0, Number.NaN, otherNaN, 1, 1e-45, -1e-45, Number.POSITIVE_INFINITY, 0.1, 3];

/** What the constants were compared by before `constantKey`: their type, dims and printed values. */
const printed = (c: ConstantSpec) => `${c.values.constructor.name}|${c.dims.join(',')}|${Array.from(c.values as ArrayLike<number | bigint>).join(',')}`;

/** Every pair of FLOATS as a float32 constant of dims [2] and [1, 2], with int32 and int64 constants of the same numbers. */
function constants(): ConstantSpec[] {
  const out: ConstantSpec[] = [];
  for (const a of FLOATS)
    for (const b of FLOATS) {
      // The stored array holds the NaN's bytes as built (a copy could canonicalise them).
      const values = new Float32Array(2);
      values[0] = a;
      values[1] = b;
      out.push({ name: `f${out.length}`, dims: [2], values }, { name: `g${out.length}`, dims: [1, 2], values });
    }
  for (const [a, b] of [
    [0, 1],
    [1, 0],
    [3, 3],
  ] as const)
    out.push(
      { name: `i${out.length}`, dims: [2], values: Int32Array.of(a, b) },
      { name: `l${out.length}`, dims: [2], values: BigInt64Array.of(BigInt(a), BigInt(b)) },
    );
  return out;
}

describe('constantKey', () => {
  it('equal exactly when the printed values are (type, dims, 0 = −0, NaN = NaN)', () => {
    const all = constants();
    // Each constant's first equal one, by either key.
    const firsts = (key: (c: ConstantSpec) => string) => {
      const first = new Map<string, string>();
      return all.map((c) => {
        const k = key(c);
        if (!first.has(k)) first.set(k, c.name);
        return first.get(k);
      });
    };
    const byPrinting = firsts(printed);
    expect(firsts(constantKey)).toEqual(byPrinting);
    // FLOATS print as 8 values (−0 as 0, the other NaN as NaN): 8² pairs in two dims, and 6 integer constants.
    expect(new Set(byPrinting).size).toBe(2 * 8 ** 2 + 6);
  });

  it('graph() keeps the first of equal constants and points every node at it', () => {
    const b = new GraphBuilder('t');
    const zero = b.floats([1], Float32Array.of(0));
    const minusZero = b.floats([1], Float32Array.of(-0));
    const int = b.int32s(Int32Array.of(0));
    b.op('Add', [zero, minusZero], undefined, 'y');
    b.op('Identity', [int], undefined, 'z');
    const g = b.graph([], [{ name: 'y', shape: [1] }]);
    expect(g.constants?.map((c) => c.name)).toEqual([zero, int]);
    expect(g.nodes.map((n) => n.inputs)).toEqual([[zero, zero], [int]]);
  });
});
