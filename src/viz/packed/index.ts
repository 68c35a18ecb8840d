/**
 * JSON packed for embedding in a page: gzip, then base64. A report inlines its page model and
 * specs this way; numbers compress about five times, so a 40-epoch comparison of seven runs stays
 * a few megabytes. Both directions use the web's `CompressionStream`, present in browsers and Node.
 *
 *   value ─► JSON text ─► gzip ─► base64      (packJson, when the page is written)
 *   base64 ─► gunzip ─► JSON text ─► value     (unpackJson, in the page)
 *
 * @example
 * const text = await packJson({ a: [1, 2, 3] }); // 'H4sIAAAAAAAA…'
 * await unpackJson(text); // { a: [1, 2, 3] }
 */

/** The `type` of a `<script>` element holding packed JSON. */
export const PACKED_JSON_TYPE = 'application/gzip+base64';

async function through(bytes: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // In chunks: String.fromCharCode takes its bytes as arguments, and arguments are limited.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text.trim());
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** `value` as JSON, gzipped, in base64 (only `A–Z a–z 0–9 + / =`: safe inside any HTML element). */
export async function packJson(value: unknown): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(value));
  return toBase64(await through(json, new CompressionStream('gzip')));
}

/** The value `packJson` packed. */
export async function unpackJson<T = unknown>(text: string): Promise<T> {
  const json = await through(fromBase64(text), new DecompressionStream('gzip'));
  return JSON.parse(new TextDecoder().decode(json)) as T;
}
