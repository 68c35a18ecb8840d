/**
 * Storing weights sparse: the size of each tensor dense (float32), as CSR and as COO with the
 * narrowest unsigned index type that fits, and an exact binary encoding (browser-safe; the files
 * are in sparse-files.ts).
 *
 *   tensor [d0, …, dk] ─► matrix rows = d0·…·d(k−1), cols = dk (a vector: 1 row)
 *   dense   size × 4 bytes
 *   CSR     nnz × 4 (values) + nnz × ib(cols − 1) (column of each) + (rows + 1) × ib(nnz) (row starts)
 *   COO     nnz × 4 (values) + nnz × ib(size − 1) (flat index of each)
 *   ib(m)   1 byte when m ≤ 255, 2 when m ≤ 65 535, else 4
 *
 * Each tensor is stored in the smallest of the three (dense when sparse saves nothing).
 * The encoding writes, per tensor in order, its values (float32), then its indices, then (CSR) its
 * row starts, all little-endian and unpadded, so the bytes written are exactly the sizes above.
 */
import { DataError } from '../errors.ts';

/** How one tensor is stored: dense float32, CSR (rows of the matrix view) or COO (flat indices). */
export type SparseEncoding = 'dense' | 'csr' | 'coo';

/** One named weight tensor, its values row-major. */
export interface NamedWeights {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** Bytes of the narrowest unsigned integer type holding 0…max. */
export function indexBytes(max: number): 1 | 2 | 4 {
  return max <= 0xff ? 1 : max <= 0xffff ? 2 : 4;
}

/** A tensor's shape as a matrix: [all axes but the last multiplied, the last]; a vector is one row. */
export function matrixShape(shape: readonly number[]): [number, number] {
  if (shape.length === 0) return [1, 1];
  const cols = shape[shape.length - 1] as number;
  return [shape.slice(0, -1).reduce((a, b) => a * b, 1), cols];
}

/** Stored entries: every value but +0 (a −0 is kept, so decoding is bit for bit). */
const stored = (v: number) => v !== 0 || 1 / v < 0;

function countNonZero(values: ArrayLike<number>): number {
  let nnz = 0;
  for (let i = 0; i < values.length; i++) if (stored(values[i] as number)) nnz++;
  return nnz;
}

/** Bytes of one tensor in each encoding. */
export function encodingSizes(shape: readonly number[], nnz: number): Record<SparseEncoding, number> {
  const [rows, cols] = matrixShape(shape);
  const size = rows * cols;
  return {
    dense: 4 * size,
    csr: nnz * (4 + indexBytes(cols - 1)) + (rows + 1) * indexBytes(nnz),
    coo: nnz * (4 + indexBytes(size - 1)),
  };
}

/** The smallest encoding of a tensor with `nnz` non-zeros (dense on ties) and its bytes. */
export function bestEncoding(shape: readonly number[], nnz: number): { encoding: SparseEncoding; bytes: number } {
  const sizes = encodingSizes(shape, nnz);
  let best: SparseEncoding = 'dense';
  for (const e of ['csr', 'coo'] as const) if (sizes[e] < sizes[best]) best = e;
  return { encoding: best, bytes: sizes[best] };
}

/** Bytes of a set of weights stored dense (float32) and sparse, and dense / sparse. */
export interface SizeOf {
  readonly dense: number;
  readonly sparse: number;
  readonly ratio: number;
}

/**
 * The weights' bytes dense and sparse; tensors not in `sparse` (when given) are counted dense in both.
 *
 * @example
 * sizeOf([{ name: 'd/kernel', shape: [100, 10], values }]);   // { dense: 4000, sparse: …, ratio: … }
 */
export function sizeOf(weights: readonly NamedWeights[], sparse?: (name: string) => boolean): SizeOf {
  let dense = 0;
  let packed = 0;
  for (const w of weights) {
    const d = 4 * w.values.length;
    dense += d;
    packed += sparse && !sparse(w.name) ? d : bestEncoding(w.shape, countNonZero(w.values)).bytes;
  }
  return { dense, sparse: packed, ratio: packed === 0 ? 1 : dense / packed };
}

/** Where one tensor is in the encoded bytes. */
export interface SparseEntry {
  readonly name: string;
  readonly shape: number[];
  readonly encoding: SparseEncoding;
  /** Non-zero values stored (the size for dense). */
  readonly nnz: number;
  /** Its first byte in the data. */
  readonly offset: number;
  /** Its bytes: values, then indices, then (CSR) row starts. */
  readonly bytes: number;
  /** Bytes of each index (CSR: column; COO: flat index); 0 for dense. */
  readonly indexBytes: number;
  /** Bytes of each CSR row start; 0 otherwise. */
  readonly pointerBytes: number;
}

/** The small JSON index of an encoding (`weights.sparse.json`). */
export interface SparseIndex {
  readonly format: 'penalty-explorer/sparse@1';
  readonly byteOrder: 'little-endian';
  /** Bytes of the data (`weights.sparse.bin`). */
  readonly bytes: number;
  readonly weights: SparseEntry[];
}

/** The `format` of a sparse index (`weights.sparse.json`); its version changes with the encoding. */
export const SPARSE_FORMAT = 'penalty-explorer/sparse@1';

function putUint(view: DataView, at: number, bytes: number, value: number): void {
  if (bytes === 1) view.setUint8(at, value);
  else if (bytes === 2) view.setUint16(at, value, true);
  else view.setUint32(at, value, true);
}

function getUint(view: DataView, at: number, bytes: number): number {
  return bytes === 1 ? view.getUint8(at) : bytes === 2 ? view.getUint16(at, true) : view.getUint32(at, true);
}

/**
 * The weights encoded each in its smallest form (only those `sparse` accepts, when given; the
 * others dense): the data and its index, `sizeOf(weights, sparse).sparse` bytes. Decoding gives
 * the same values bit for bit (a −0 is stored as an entry).
 */
export function encodeSparse(weights: readonly NamedWeights[], sparse?: (name: string) => boolean): { index: SparseIndex; data: Uint8Array } {
  const entries: SparseEntry[] = [];
  let offset = 0;
  for (const w of weights) {
    const nnz = countNonZero(w.values);
    const { encoding, bytes } = sparse && !sparse(w.name) ? { encoding: 'dense' as const, bytes: 4 * w.values.length } : bestEncoding(w.shape, nnz);
    const [rows, cols] = matrixShape(w.shape);
    const ib = encoding === 'csr' ? indexBytes(cols - 1) : encoding === 'coo' ? indexBytes(rows * cols - 1) : 0;
    entries.push({
      name: w.name,
      shape: [...w.shape],
      encoding,
      nnz: encoding === 'dense' ? w.values.length : nnz,
      offset,
      bytes,
      indexBytes: ib,
      pointerBytes: encoding === 'csr' ? indexBytes(nnz) : 0,
    });
    offset += bytes;
  }
  const data = new Uint8Array(offset);
  const view = new DataView(data.buffer);
  weights.forEach((w, t) => {
    const e = entries[t] as SparseEntry;
    let at = e.offset;
    if (e.encoding === 'dense') {
      for (let i = 0; i < w.values.length; i++, at += 4) view.setFloat32(at, w.values[i] as number, true);
      return;
    }
    const cols = matrixShape(w.shape)[1];
    let idx = at + 4 * e.nnz;
    const ptr = idx + e.indexBytes * e.nnz;
    let row = -1;
    let k = 0;
    for (let i = 0; i < w.values.length; i++) {
      const v = w.values[i] as number;
      if (!stored(v)) continue;
      view.setFloat32(at, v, true);
      at += 4;
      if (e.encoding === 'coo') putUint(view, idx, e.indexBytes, i);
      else {
        putUint(view, idx, e.indexBytes, i % cols);
        const r = Math.floor(i / cols);
        for (; row < r; row++) putUint(view, ptr + (row + 1) * e.pointerBytes, e.pointerBytes, k);
      }
      idx += e.indexBytes;
      k++;
    }
    if (e.encoding === 'csr') {
      const rows = matrixShape(w.shape)[0];
      for (; row < rows; row++) putUint(view, ptr + (row + 1) * e.pointerBytes, e.pointerBytes, k);
    }
  });
  return { index: { format: SPARSE_FORMAT, byteOrder: 'little-endian', bytes: offset, weights: entries }, data };
}

/** The weights of an encoding, as they were encoded. A DataError when the index does not fit the data. */
export function decodeSparse(index: SparseIndex, data: Uint8Array): NamedWeights[] {
  if (index.format !== SPARSE_FORMAT) throw new DataError(`not a sparse weights index: format ${JSON.stringify(index.format)}, expected ${SPARSE_FORMAT}`);
  if (data.byteLength !== index.bytes) throw new DataError(`sparse weights data has ${data.byteLength} bytes; its index says ${index.bytes}`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return index.weights.map((e) => {
    const [rows, cols] = matrixShape(e.shape);
    const values = new Float32Array(rows * cols);
    if (e.offset + e.bytes > data.byteLength)
      throw new DataError(`sparse weights ${e.name}: bytes ${e.offset}…${e.offset + e.bytes} are past the data's end (${data.byteLength})`);
    if (e.encoding === 'dense') {
      for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(e.offset + 4 * i, true);
      return { name: e.name, shape: e.shape, values };
    }
    const idx = e.offset + 4 * e.nnz;
    if (e.encoding === 'coo') {
      for (let k = 0; k < e.nnz; k++) values[getUint(view, idx + k * e.indexBytes, e.indexBytes)] = view.getFloat32(e.offset + 4 * k, true);
      return { name: e.name, shape: e.shape, values };
    }
    const ptr = idx + e.indexBytes * e.nnz;
    for (let r = 0; r < rows; r++) {
      const end = getUint(view, ptr + (r + 1) * e.pointerBytes, e.pointerBytes);
      for (let k = getUint(view, ptr + r * e.pointerBytes, e.pointerBytes); k < end; k++) {
        values[r * cols + getUint(view, idx + k * e.indexBytes, e.indexBytes)] = view.getFloat32(e.offset + 4 * k, true);
      }
    }
    return { name: e.name, shape: e.shape, values };
  });
}
