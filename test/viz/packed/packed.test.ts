import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { packJson, unpackJson } from '../../../src/viz/packed/index.ts';

describe('packed JSON (gzip, base64)', () => {
  it('round-trips values, text that could end a script element included, and is real gzip', async () => {
    const value = { a: [1, 2.5, -3e-7, null], text: '</script><b>ü—λ', nested: { t: true } };
    const packed = await packJson(value);
    expect(packed).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(await unpackJson(packed)).toEqual(value);
    // Any gzip reader opens it (here Node's zlib).
    expect(JSON.parse(gunzipSync(Buffer.from(packed, 'base64')).toString('utf8'))).toEqual(value);
  });

  it('packs more bytes than one String.fromCharCode call takes, and numbers several times smaller', async () => {
    let seed = 1;
    const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 0.01;
    const value = Array.from({ length: 200_000 }, () => Number(random().toPrecision(6)));
    const packed = await packJson(value);
    expect(packed.length).toBeGreaterThan(0x8000 * 4);
    expect(await unpackJson(packed)).toEqual(value);
    expect(packed.length).toBeLessThan(JSON.stringify(value).length / 2);
  });
});
