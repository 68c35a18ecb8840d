/**
 * The playground's MNIST: a seeded subset of the bundled MNIST written at build time (build.mjs) as
 * one file, `mnist-subset.bin.gz`:
 *
 *   u32 (little-endian) header length ─ header JSON (SubsetHeader) ─ train pixels (uint8, n·28·28)
 *   ─ train labels (uint8) ─ test pixels ─ test labels            gzipped as a whole
 *
 * A run takes its own seeded subsets of it (training size, test size), scaled to [0, 1] as `penx
 * train` scales them.
 */
import { permutation, tf } from 'penalty-explorer';

/** The subset file's header: how many train and test images, an image's shape, the classes, and where it came from. */
export interface SubsetHeader {
  readonly train: number;
  readonly test: number;
  readonly shape: readonly [number, number, number];
  readonly classes: number;
  /** Where it came from (for the run record). */
  readonly source: string;
}

/** The subset file unpacked: its header, and the train and test images (uint8, n·28·28) and labels (uint8). */
export interface Subset {
  readonly header: SubsetHeader;
  readonly trainImages: Uint8Array;
  readonly trainLabels: Uint8Array;
  readonly testImages: Uint8Array;
  readonly testLabels: Uint8Array;
}

/** The file's bytes split into its parts. */
export function parseSubset(bytes: Uint8Array): Subset {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as SubsetHeader;
  const pixels = header.shape[0] * header.shape[1] * header.shape[2];
  let at = 4 + length;
  const take = (n: number) => bytes.subarray(at, (at += n));
  const trainImages = take(header.train * pixels);
  const trainLabels = take(header.train);
  const testImages = take(header.test * pixels);
  const testLabels = take(header.test);
  if (at !== bytes.length) throw new Error(`the MNIST subset file has ${bytes.length} bytes, its header says ${at}; rebuild the playground`);
  return { header, trainImages, trainLabels, testImages, testLabels };
}

/** Fetches and unpacks the subset next to `base` (the worker's URL). */
export async function fetchSubset(base: string): Promise<Subset> {
  const res = await fetch(new URL('mnist-subset.bin.gz', base));
  if (!res.ok || !res.body) throw new Error(`could not load the MNIST subset (${res.status} ${res.statusText})`);
  const plain = res.body.pipeThrough(new DecompressionStream('gzip'));
  return parseSubset(new Uint8Array(await new Response(plain).arrayBuffer()));
}

/** `count` of `images`/`labels` chosen by `seed` (kept in file order) as tensors: x in [0, 1], y one-hot. */
export function tensorsOf(
  images: Uint8Array,
  labels: Uint8Array,
  total: number,
  count: number,
  seed: number,
  header: SubsetHeader,
): { x: tf.Tensor; y: tf.Tensor } {
  const [rows, cols, channels] = header.shape;
  const pixels = rows * cols * channels;
  const chosen = count >= total ? Array.from({ length: total }, (_, i) => i) : Array.from(permutation(total, seed).subarray(0, count)).sort((a, b) => a - b);
  const x = new Float32Array(chosen.length * pixels);
  const y = new Float32Array(chosen.length * header.classes);
  chosen.forEach((src, i) => {
    for (let j = 0; j < pixels; j++) x[i * pixels + j] = (images[src * pixels + j] as number) / 255;
    y[i * header.classes + (labels[src] as number)] = 1;
  });
  return { x: tf.tensor4d(x, [chosen.length, rows, cols, channels]), y: tf.tensor2d(y, [chosen.length, header.classes]) };
}
