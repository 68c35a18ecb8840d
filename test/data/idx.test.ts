import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadData } from '../../mnist-demo/data/mnist.ts';
import { DataError } from '../../src/errors.ts';
import { parseIdx, readIdx } from '../../src/io/idx.ts';
import { loadImageSet } from '../../src/io/image-set.ts';
import { idxBytes, split, writeDataset } from './idx-files.ts';

/** The output cap (`maxOutputLength`) of each gunzipSync the reader makes, Infinity for none. */
const inflateCaps = vi.hoisted(() => [] as number[]);
vi.mock('node:zlib', async (actual) => {
  const zlib = await actual<typeof import('node:zlib')>();
  const gunzipSync: typeof zlib.gunzipSync = (data, options) => {
    inflateCaps.push(options?.maxOutputLength ?? Number.POSITIVE_INFINITY);
    return zlib.gunzipSync(data, options);
  };
  return { ...zlib, gunzipSync };
});

const root = mkdtempSync(join(tmpdir(), 'penx-idx-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('IDX reader', () => {
  const { images, labels } = split(3);

  it('reads a good file: dimensions and bytes', () => {
    const a = parseIdx(idxBytes([3, 28, 28], images), 3, 'x');
    expect(a.dims).toEqual([3, 28, 28]);
    expect(Array.from(a.data)).toEqual(Array.from(images));
    expect(Array.from(parseIdx(idxBytes([3], labels), 1, 'y').data)).toEqual([0, 1, 2]);
  });

  it('reads a gzipped file the same', () => {
    const path = join(root, 'l.gz');
    writeFileSync(path, gzipSync(idxBytes([3], labels)));
    expect(Array.from(readIdx(path, 1).data)).toEqual([0, 1, 2]);
  });

  it('refuses a wrong magic number, naming the file and the expected value', () => {
    expect(() => parseIdx(idxBytes([3], labels, 0x0803), 1, 'labels.idx')).toThrow(/labels\.idx: wrong magic number 0x00000803, expected 0x00000801/);
    expect(() => parseIdx(idxBytes([3], labels, 0x0d01), 1, 'f')).toThrow(DataError);
  });

  it('refuses truncated and over-long files with the expected size', () => {
    const good = idxBytes([3, 28, 28], images);
    expect(() => parseIdx(good.subarray(0, good.length - 1), 3, 'img')).toThrow(/img: truncated: 2367 bytes, expected 2368 \(header 16 \+ 3×28×28 items\)/);
    expect(() => parseIdx(new Uint8Array([...good, 0]), 3, 'img')).toThrow(/too long/);
    expect(() => parseIdx(good.subarray(0, 5), 3, 'img')).toThrow(/too short for an IDX header/);
  });

  it('refuses a corrupt gzip file', () => {
    const gz = gzipSync(idxBytes([3], labels));
    expect(() => parseIdx(gz.subarray(0, gz.length - 6), 1, 'cut.gz')).toThrow(/cut\.gz: not a valid gzip file/);
  });

  it('names a file that cannot be read', () => {
    expect(() => readIdx(join(root, 'missing'), 1)).toThrow(/missing: cannot be read \(ENOENT\)/);
  });
});

describe('loadImageSet and the bundled MNIST', () => {
  it('loads a folder of plain or gzipped files, scaled to [0, 1]', () => {
    for (const gzip of [false, true]) {
      const dir = join(root, gzip ? 'gz' : 'plain');
      writeDataset(dir, 30, 12, { gzip });
      const m = loadImageSet(dir);
      expect([m.train.count, m.test.count]).toEqual([30, 12]);
      expect(m.train.images[784 * 2]).toBeCloseTo(14 / 255, 6);
      expect(Array.from(m.test.labels.subarray(0, 3))).toEqual([3, 4, 5]);
    }
  });

  it('takes seeded subsets that nest and repeat', () => {
    const dir = join(root, 'plain');
    const a = loadImageSet(dir, { trainSize: 10, testSize: 5, seed: 1 });
    const b = loadImageSet(dir, { trainSize: 10, testSize: 5, seed: 1 });
    const c = loadImageSet(dir, { trainSize: 10, testSize: 5, seed: 2 });
    expect(Array.from(a.train.labels)).toEqual(Array.from(b.train.labels));
    expect(Array.from(a.train.images)).not.toEqual(Array.from(c.train.images));
    expect(() => loadImageSet(dir, { trainSize: 31 })).toThrow(/subset size 31 is not available: .* has 30 images/);
  });

  it('checks that labels match images', () => {
    const dir = join(root, 'mismatch');
    writeDataset(dir, 10, 5);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([9], new Uint8Array(9)));
    expect(() => loadImageSet(dir)).toThrow(/9 labels for 10 images/);
    writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([10], new Uint8Array(10).fill(12)));
    // Any number of classes: the largest label + 1.
    expect(loadImageSet(dir).classes).toBe(13);
  });

  it('loads the bundled MNIST: 60 000 + 10 000 images', () => {
    const m = loadData(undefined, { trainSize: 100, testSize: 100 });
    expect(m.source).toMatch(/bundled/);
    expect(m.train.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(new Set(m.train.labels).size).toBe(10);
    expect(() => loadData(undefined, { trainSize: 60_001 })).toThrow(/has 60000 images/);
  });
});

describe('image sets of any shape and class count', () => {
  it('reads prefixed names (EMNIST), 4-D images with channels, and counts the classes', () => {
    const dir = join(root, 'emnist');
    writeDataset(dir, 12, 6, { shape: [6, 5, 3], classes: 27, prefix: 'emnist-letters-', gzip: true });
    const set = loadImageSet(dir);
    expect(set.shape).toEqual([6, 5, 3]);
    expect(set.classes).toBe(12);
    expect(set.train.images).toHaveLength(12 * 6 * 5 * 3);
  });

  it('refuses test images of another shape, two candidate files, or a set of 0 images', () => {
    const dir = join(root, 'mixed');
    writeDataset(dir, 10, 5, { shape: [8, 8] });
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxBytes([5, 7, 7], new Uint8Array(5 * 49)));
    expect(() => loadImageSet(dir)).toThrow(/images are 7×7×1, the training images 8×8×1; expected the same shape/);
    writeDataset(dir, 10, 5, { shape: [8, 8] });
    writeFileSync(join(dir, 'other-train-labels-idx1-ubyte'), idxBytes([10], new Uint8Array(10)));
    expect(() => loadImageSet(dir)).toThrow(/several training labels files/);
    const empty = join(root, 'empty');
    writeDataset(empty, 0, 5);
    expect(() => loadImageSet(empty)).toThrow(/holds 0 images; expected at least one/);
  });
});

describe('a gzip that inflates to more than its header declares', () => {
  it('is refused at once, without inflating it', () => {
    // The header declares 10 images of 28×28 (7 856 bytes); the stream holds 20 MB.
    const big = new Uint8Array(16 + 20 * 1024 * 1024);
    big.set(idxBytes([10, 28, 28], new Uint8Array(0)).subarray(0, 16));
    const bomb = gzipSync(big);
    inflateCaps.length = 0;
    expect(() => parseIdx(bomb, 3, 'bomb.gz')).toThrow(/bomb\.gz: inflates to more than the 7856 bytes its IDX header declares/);
    // Every inflation stopped far short of the stream's 20 MB: the whole file at one byte over the declared size.
    expect(inflateCaps.length).toBeGreaterThan(0);
    expect(inflateCaps.every((cap) => cap <= 1 << 22)).toBe(true);
    expect(inflateCaps.at(-1)).toBe(7856 + 1);
  });
});
