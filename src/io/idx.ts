/**
 * Reading IDX files (the MNIST format): a big-endian header — two zero bytes, a type byte (0x08 =
 * unsigned byte), the number of dimensions — then one 32-bit size per dimension, then the data.
 * Gzipped files (`.gz`) are inflated first. Every check names the file and what was expected.
 */
import { readFileSync } from 'node:fs';
import { constants, gunzipSync } from 'node:zlib';
import { DataError } from '../errors.ts';

/** An IDX file's contents: its dimensions and its bytes. */
export interface IdxArray {
  /** The size of each dimension, e.g. [60000, 28, 28] for MNIST's training images. */
  readonly dims: number[];
  /** The raw unsigned bytes, row-major. */
  readonly data: Uint8Array;
}

/** The bytes an IDX header declares: header plus items (undefined when `head` is too short to say). */
function declaredSize(head: Uint8Array): number | undefined {
  if (head.length < 4) return undefined;
  const rank = head[3] as number;
  const headerSize = 4 + 4 * rank;
  if (head.length < headerSize) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let size = 1;
  for (let i = 0; i < rank; i++) size *= view.getUint32(4 + 4 * i);
  return headerSize + size;
}

/**
 * Inflate a gzipped IDX file, never to more than its header declares: the header is read from the
 * first few compressed bytes, then inflation stops at that size (a small file that inflates to
 * gigabytes is refused at once).
 */
function gunzipCapped(bytes: Uint8Array, file: string): Uint8Array {
  let cap: number | undefined;
  for (const n of [64, 512, 4096]) {
    try {
      cap = declaredSize(gunzipSync(bytes.subarray(0, Math.min(n, bytes.length)), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 1 << 22 }));
    } catch {
      cap = undefined;
    }
    if (cap !== undefined || n >= bytes.length) break;
  }
  try {
    // One byte over the declared size shows a file that is too long (reported by the size check).
    return gunzipSync(bytes, { maxOutputLength: (cap ?? 1 << 20) + 1 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DataError(`${file}: inflates to more than the ${cap ?? 'header'} bytes its IDX header declares; the file is corrupt or not an IDX file`);
    }
    throw new DataError(`${file}: not a valid gzip file (${(err as Error).message})`);
  }
}

/** Parse IDX bytes of unsigned-byte data with `rank` dimensions (or one of several ranks); `file` names it in errors. */
export function parseIdx(bytes: Uint8Array, ranks: number | readonly number[], file: string): IdxArray {
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipCapped(bytes, file);
  const allowed = typeof ranks === 'number' ? [ranks] : ranks;
  const rank = allowed.find((r) => r === bytes[3]) ?? (allowed[0] as number);
  const headerSize = 4 + 4 * rank;
  if (bytes.length < headerSize) {
    throw new DataError(`${file}: ${bytes.length} bytes is too short for an IDX header (expected at least ${headerSize} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== (0x00000800 | rank)) {
    const hex = (x: number) => `0x${x.toString(16).padStart(8, '0')}`;
    const expected = allowed.map((r) => hex(0x800 | r)).join(' or ');
    throw new DataError(
      `${file}: wrong magic number ${hex(magic)}, expected ${expected} (unsigned bytes, ${allowed.join(' or ')} dimension${rank > 1 ? 's' : ''})`,
    );
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const size = dims.reduce((a, b) => a * b, 1);
  if (bytes.length !== headerSize + size) {
    const what = bytes.length < headerSize + size ? 'truncated' : 'too long';
    throw new DataError(`${file}: ${what}: ${bytes.length} bytes, expected ${headerSize + size} (header ${headerSize} + ${dims.join('×')} items)`);
  }
  return { dims, data: bytes.subarray(headerSize) };
}

/** Read and parse an IDX file. */
export function readIdx(path: string, rank: number | readonly number[]): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new DataError(`${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseIdx(bytes, rank, path);
}
