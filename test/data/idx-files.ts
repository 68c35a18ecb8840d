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

/** Images whose pixel values encode (index, label), and labels i mod 10. */
export function split(n: number, offset = 0): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = (i + offset) % 10;
    images.fill(((i + offset) * 7) % 256, i * 784, (i + 1) * 784);
  }
  return { images, labels };
}

/** A folder with the four files (n train, m test); `gzip` writes .gz names. */
export function writeDataset(dir: string, n: number, m: number, options: { gzip?: boolean } = {}): void {
  mkdirSync(dir, { recursive: true });
  const put = (name: string, bytes: Uint8Array) => writeFileSync(join(dir, options.gzip ? `${name}.gz` : name), options.gzip ? gzipSync(bytes) : bytes);
  const train = split(n);
  const test = split(m, 3);
  put('train-images-idx3-ubyte', idxBytes([n, 28, 28], train.images));
  put('train-labels-idx1-ubyte', idxBytes([n], train.labels));
  put('t10k-images-idx3-ubyte', idxBytes([m, 28, 28], test.images));
  put('t10k-labels-idx1-ubyte', idxBytes([m], test.labels));
}
