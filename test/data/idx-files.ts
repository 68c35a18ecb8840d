/** Writing small MNIST-format data sets for tests: IDX files, optionally gzipped, optionally broken. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export function idxBytes(dims: number[], data: Uint8Array, magic = 0x800 | dims.length): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint32(0, magic);
  dims.forEach((d, i) => header.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(header.byteLength + data.length);
  out.set(new Uint8Array(header.buffer), 0);
  out.set(data, header.byteLength);
  return out;
}

/** Images whose pixel values encode (index, label), and labels i mod `classes`. */
export function split(n: number, offset = 0, pixels = 784, classes = 10): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(n * pixels);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = (i + offset) % classes;
    images.fill(((i + offset) * 7) % 256, i * pixels, (i + 1) * pixels);
  }
  return { images, labels };
}

export interface DatasetOptions {
  /** Write .gz files. */
  readonly gzip?: boolean;
  /** Per-image shape: [rows, cols] (3-D IDX files) or [rows, cols, channels] (4-D); default [28, 28]. */
  readonly shape?: readonly number[];
  readonly classes?: number;
  /** A prefix of the file names, as EMNIST's (`emnist-letters-`). */
  readonly prefix?: string;
}

/** A folder with the four files (n train, m test). */
export function writeDataset(dir: string, n: number, m: number, options: DatasetOptions = {}): void {
  mkdirSync(dir, { recursive: true });
  const shape = options.shape ?? [28, 28];
  const rank = shape.length + 1;
  const pixels = shape.reduce((a, b) => a * b, 1);
  const prefix = options.prefix ?? '';
  const put = (name: string, bytes: Uint8Array) =>
    writeFileSync(join(dir, `${prefix}${name}${options.gzip ? '.gz' : ''}`), options.gzip ? gzipSync(bytes) : bytes);
  const train = split(n, 0, pixels, options.classes);
  const test = split(m, 3, pixels, options.classes);
  put(`train-images-idx${rank}-ubyte`, idxBytes([n, ...shape], train.images));
  put('train-labels-idx1-ubyte', idxBytes([n], train.labels));
  put(`t10k-images-idx${rank}-ubyte`, idxBytes([m, ...shape], test.images));
  put('t10k-labels-idx1-ubyte', idxBytes([m], test.labels));
}
