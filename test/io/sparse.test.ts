import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bestEncoding, decodeSparse, encodeSparse, encodingSizes, indexBytes, mulberry32, type NamedWeights, sizeOf } from '../../src/index.ts';
import { readSparseWeights, SPARSE_BIN, SPARSE_JSON, writeSparseWeights } from '../../src/node.ts';

const root = mkdtempSync(join(tmpdir(), 'penx-sparse-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** `size` values, a share `density` of them non-zero (seeded), with a −0 among the zeros. */
function sparseValues(size: number, density: number, seed: number): Float32Array {
  const rand = mulberry32(seed);
  const v = new Float32Array(size);
  for (let i = 0; i < size; i++) if (rand() < density) v[i] = (rand() - 0.5) * 2;
  v[v.indexOf(0)] = -0;
  return v;
}

const bits = (w: NamedWeights) => Buffer.from(w.values.buffer, w.values.byteOffset, w.values.byteLength);

describe('sparse sizes', () => {
  it('counts bytes per encoding with the narrowest index that fits', () => {
    expect([indexBytes(255), indexBytes(256), indexBytes(65_535), indexBytes(65_536)]).toEqual([1, 2, 2, 4]);
    // [300, 10] with 50 non-zeros: CSR 50·(4 + 1) + 301·1; COO 50·(4 + 2) (flat index < 3000).
    expect(encodingSizes([300, 10], 50)).toEqual({ dense: 12_000, csr: 551, coo: 300 });
    // [3, 3, 32, 64] as 288 × 64 with 10 000 non-zeros: CSR 10 000·5 + 289·2; COO 10 000·6.
    expect(encodingSizes([3, 3, 32, 64], 10_000)).toEqual({ dense: 73_728, csr: 50_578, coo: 60_000 });
    expect(bestEncoding([3, 3, 32, 64], 10_000).encoding).toBe('csr');
    expect(bestEncoding([4, 4], 16)).toEqual({ encoding: 'dense', bytes: 64 });
    const w = { name: 'd/kernel', shape: [300, 10], values: new Float32Array(3000) };
    w.values.fill(1, 0, 50);
    const b = { name: 'd/bias', shape: [10], values: new Float32Array(10) };
    expect(sizeOf([w, b])).toEqual({ dense: 12_040, sparse: 300 + 0, ratio: 12_040 / 300 });
    expect(sizeOf([w, b], (n) => n.endsWith('kernel'))).toEqual({ dense: 12_040, sparse: 340, ratio: 12_040 / 340 });
  });
});

describe('sparse export', () => {
  const weights: NamedWeights[] = [
    { name: 'conv/kernel', shape: [3, 3, 8, 16], values: sparseValues(1152, 0.2, 1) },
    { name: 'dense/kernel', shape: [2000, 30], values: sparseValues(60_000, 0.005, 2) },
    { name: 'dense/bias', shape: [30], values: sparseValues(30, 0.9, 3) },
    { name: 'empty/kernel', shape: [5, 5], values: new Float32Array(25) },
  ];

  it('uses CSR, COO and dense where each is smallest and decodes bit for bit (−0 included)', () => {
    const { index, data } = encodeSparse(weights);
    expect(index.weights.map((e) => e.encoding)).toEqual(['csr', 'coo', 'dense', 'coo']);
    expect(data.byteLength).toBe(sizeOf(weights).sparse);
    const back = decodeSparse(index, data);
    back.forEach((w, i) => {
      expect(w.name).toBe(weights[i]!.name);
      expect(w.shape).toEqual(weights[i]!.shape);
      expect(bits(w).equals(bits(weights[i]!)), w.name).toBe(true);
    });
    expect(() => decodeSparse(index, data.subarray(1))).toThrow(/has \d+ bytes; its index says/);
  });

  it('round-trips through weights.sparse.bin + weights.sparse.json; the file is exactly the sparse size', async () => {
    const dir = join(root, 'export');
    const index = await writeSparseWeights(dir, weights, (n) => n.endsWith('kernel'));
    expect(statSync(join(dir, SPARSE_BIN)).size).toBe(sizeOf(weights, (n) => n.endsWith('kernel')).sparse);
    expect(JSON.parse(readFileSync(join(dir, SPARSE_JSON), 'utf8'))).toEqual(index);
    expect(index.weights.find((e) => e.name === 'dense/bias')!.encoding).toBe('dense');
    const back = await readSparseWeights(dir);
    back.forEach((w, i) => expect(bits(w).equals(bits(weights[i]!)), w.name).toBe(true));
    await expect(readSparseWeights(join(root, 'missing'))).rejects.toThrow(/cannot read a sparse export/);
  });

  it('decodes, as the README describes the files, without this package: the same bits', async () => {
    const dir = join(root, 'readme');
    await writeSparseWeights(dir, weights);
    const index = JSON.parse(readFileSync(join(dir, SPARSE_JSON), 'utf8'));
    const bin = readFileSync(join(dir, SPARSE_BIN));
    expect(index).toMatchObject({ format: 'penalty-explorer/sparse@1', byteOrder: 'little-endian', bytes: bin.byteLength });
    const uint = (at: number, n: number) => (n === 1 ? bin.readUInt8(at) : n === 2 ? bin.readUInt16LE(at) : bin.readUInt32LE(at));
    const decoded = (e: { shape: number[]; encoding: string; nnz: number; offset: number; indexBytes: number; pointerBytes: number }) => {
      const cols = e.shape.at(-1) ?? 1;
      const rows = e.shape.slice(0, -1).reduce((a, b) => a * b, 1);
      const v = new Float32Array(rows * cols);
      const value = (k: number) => bin.readFloatLE(e.offset + 4 * k);
      const at = e.offset + 4 * e.nnz;
      if (e.encoding === 'dense') v.forEach((_, i) => (v[i] = value(i)));
      else if (e.encoding === 'coo') for (let k = 0; k < e.nnz; k++) v[uint(at + k * e.indexBytes, e.indexBytes)] = value(k);
      else {
        const starts = at + e.nnz * e.indexBytes;
        for (let r = 0; r < rows; r++)
          for (let k = uint(starts + r * e.pointerBytes, e.pointerBytes); k < uint(starts + (r + 1) * e.pointerBytes, e.pointerBytes); k++)
            v[r * cols + uint(at + k * e.indexBytes, e.indexBytes)] = value(k);
      }
      return v;
    };
    expect(new Set(index.weights.map((e: { encoding: string }) => e.encoding))).toEqual(new Set(['csr', 'coo', 'dense']));
    index.weights.forEach((e: Parameters<typeof decoded>[0] & { name: string }, i: number) => {
      expect(e.name).toBe(weights[i]!.name);
      expect(bits({ ...weights[i]!, values: decoded(e) }).equals(bits(weights[i]!)), e.name).toBe(true);
    });
  });
});
