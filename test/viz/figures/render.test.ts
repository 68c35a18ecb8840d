import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claimFolder, IOError } from '../../../src/node.ts';
import { renderSvg, svgToPng, writeFigure } from '../../../src/render/render.ts';
import { epochHistogramSpec, sparsitySpec } from '../../../src/viz/figures/index.ts';
import { makeRunRecord, withScores } from '../../fixtures/run-record-fixture.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from a PNG's IHDR chunk (which must come first). */
function pngSize(png: Uint8Array): { width: number; height: number } {
  expect([...png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const run = withScores(makeRunRecord({ epochs: 3 }), 3, { testLoss: 0.041234, testAcc: 0.987149 });
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('rendering', () => {
  it('renders a spec to SVG with its text in DejaVu Sans, and the SVG to a PNG', async () => {
    const svg = await renderSvg(epochHistogramSpec(run, 3));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('epoch=3 loss=0.0412 acc=0.9871');
    expect(svg).toContain('DejaVu Sans');
    const png = svgToPng(svg);
    const { width, height } = pngSize(png);
    expect(width).toBeGreaterThan(0);
    expect(height).toBeGreaterThan(0);
    // 2× zoom by default; scale 1 gives the SVG's own size.
    const one = pngSize(svgToPng(svg, { scale: 1 }));
    expect(width).toBe(2 * one.width);
    expect(svg).toContain(`width="${one.width}"`);
  });

  it('writes .png (and .svg when asked) without leaving temporary files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'penx-figures-'));
    dirs.push(dir);
    await writeFigure(join(dir, 'epoch-003'), epochHistogramSpec(run, 3), { svg: true });
    await writeFigure(join(dir, 'sub', 'sparsity'), sparsitySpec([run]));
    expect((await readdir(dir)).sort()).toEqual(['epoch-003.png', 'epoch-003.svg', 'sub']);
    expect(await readdir(join(dir, 'sub'))).toEqual(['sparsity.png']);
    pngSize(new Uint8Array(await readFile(join(dir, 'sub', 'sparsity.png'))));
    expect(await readFile(join(dir, 'epoch-003.svg'), 'utf8')).toContain('epoch=3 loss=0.0412 acc=0.9871');
    // Overwriting an existing figure works the same way.
    await writeFigure(join(dir, 'epoch-003'), epochHistogramSpec(run, 2));
    expect((await readdir(dir)).sort()).toEqual(['epoch-003.png', 'epoch-003.svg', 'sub']);
  });

  it('keeps a figure drawn from the same spec (keepUnchanged): no file written again; a changed spec draws it anew', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'penx-figures-'));
    dirs.push(dir);
    const path = join(dir, 'sparsity');
    const files = async () => Promise.all(['png', 'svg'].map(async (ext) => ({ ext, ...(await stat(`${path}.${ext}`)) })));
    const first = await writeFigure(path, sparsitySpec([run]), { svg: true, keepUnchanged: true });
    const before = await files();
    // Its key after the root element: the file is still the SVG returned (and an SVG).
    const text = await readFile(`${path}.svg`, 'utf8');
    expect(text.startsWith(first)).toBe(true);
    expect(text.slice(first.length)).toMatch(
      /^\n<!-- penalty-explorer figure sha256:[0-9a-f]{64} svg \d+ sha256:[0-9a-f]{64} png \d+ sha256:[0-9a-f]{64} -->\n$/,
    );
    const again = await writeFigure(path, sparsitySpec([run]), { svg: true, keepUnchanged: true });
    expect(again).toBe(first);
    for (const [i, f] of (await files()).entries()) {
      expect({ ext: f.ext, ino: f.ino, mtime: f.mtimeMs }).toEqual({ ext: before[i]!.ext, ino: before[i]!.ino, mtime: before[i]!.mtimeMs });
    }
    // Another spec (one more run): both files drawn again.
    const other = withScores(makeRunRecord({ epochs: 3, seed: 2, penalty: 'l2:1e-3' }), 3, { testLoss: 0.5, testAcc: 0.5 });
    const changed = await writeFigure(path, sparsitySpec([run, other]), { svg: true, keepUnchanged: true });
    expect(changed).not.toBe(first);
    for (const [i, f] of (await files()).entries()) expect(f.ino, f.ext).not.toBe(before[i]!.ino);
    // A missing PNG is drawn again, and without keepUnchanged a figure is always drawn.
    await rm(`${path}.png`);
    await writeFigure(path, sparsitySpec([run, other]), { svg: true, keepUnchanged: true });
    pngSize(new Uint8Array(await readFile(`${path}.png`)));
    const kept = (await files())[1]!.ino;
    await writeFigure(path, sparsitySpec([run, other]), { svg: true });
    expect((await files())[1]!.ino).not.toBe(kept);
  });

  it('keeps a figure only while its PNG is the one drawn with its SVG: penx’s PNG of another drawing is drawn again, a user’s is refused and left', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'penx-figures-')), 'run');
    dirs.push(dirname(dir));
    // A folder of penx's: every write checked against its manifest (trackOwned).
    const claimed = claimFolder(dir, {}, 'run');
    try {
      const path = join(dir, 'sparsity');
      const keep = { svg: true, keepUnchanged: true } as const;
      const other = withScores(makeRunRecord({ epochs: 3, seed: 2, penalty: 'l2:1e-3' }), 3, { testLoss: 0.5, testAcc: 0.5 });
      await writeFigure(path, sparsitySpec([run]), keep);
      const before = await readFile(`${path}.png`);
      await writeFigure(path, sparsitySpec([run, other]), keep);
      const drawn = await readFile(`${path}.png`);
      expect(drawn.equals(before)).toBe(false);
      // The PNG of the first drawing back in place (penx's by its manifest, stale for this SVG): drawn again.
      await writeFile(`${path}.png`, before);
      await writeFigure(path, sparsitySpec([run, other]), keep);
      expect((await readFile(`${path}.png`)).equals(drawn)).toBe(true);
      // A user's edit of the PNG: never written over; the write is refused, the file left as it is.
      await writeFile(`${path}.png`, 'my edit');
      await expect(writeFigure(path, sparsitySpec([run, other]), keep)).rejects.toThrow(IOError);
      await expect(writeFigure(path, sparsitySpec([run, other]), keep)).rejects.toThrow(
        /refusing to write over .*sparsity\.png \(its content is not what penalty-explorer wrote there\)/,
      );
      expect(await readFile(`${path}.png`, 'utf8')).toBe('my edit');
    } finally {
      claimed.release();
    }
  });

  it('keeps a figure only while its SVG is the one drawn: a user’s edit of the body, key line intact, is refused with both files left; an older key line is drawn again', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'penx-figures-')), 'run');
    dirs.push(dirname(dir));
    const path = join(dir, 'sparsity');
    const keep = { svg: true, keepUnchanged: true } as const;
    const claimed = claimFolder(dir, {}, 'run');
    let drawn = '';
    try {
      drawn = await writeFigure(path, sparsitySpec([run]), keep);
      const text = await readFile(`${path}.svg`, 'utf8');
      const png = await stat(`${path}.png`);
      // The title edited by hand, the key line (and the PNG) as penx wrote them: the user's SVG now.
      const edited = text.replace('Sparsity', 'My sparsity');
      expect(edited).not.toBe(text);
      await writeFile(`${path}.svg`, edited);
      await expect(writeFigure(path, sparsitySpec([run]), keep)).rejects.toThrow(
        /refusing to write over .*sparsity\.svg \(its content is not what penalty-explorer wrote there\)/,
      );
      expect(await readFile(`${path}.svg`, 'utf8')).toBe(edited);
      const after = await stat(`${path}.png`);
      expect({ ino: after.ino, mtime: after.mtimeMs }).toEqual({ ino: png.ino, mtime: png.mtimeMs });
      expect(await readdir(dir)).toEqual(expect.arrayContaining(['sparsity.png', 'sparsity.svg']));
      expect((await readdir(dir)).filter((n) => n.endsWith('.penx-tmp'))).toEqual([]);
      // Penx's own SVG back: kept again, as drawn.
      await writeFile(`${path}.svg`, text);
      expect(await writeFigure(path, sparsitySpec([run]), keep)).toBe(drawn);
    } finally {
      claimed.release();
    }
    // A key line of an older version (the PNG's proof alone), in a folder of no manifest: drawn once more, with the SVG's proof.
    const key = /figure (sha256:[0-9a-f]{64}) svg \d+ sha256:[0-9a-f]{64} (png .*) -->/.exec(await readFile(`${path}.svg`, 'utf8'));
    await writeFile(`${path}.svg`, `${drawn}\n<!-- penalty-explorer figure ${key?.[1]} ${key?.[2]} -->\n`);
    const older = (await stat(`${path}.svg`)).ino;
    await writeFigure(path, sparsitySpec([run]), keep);
    expect((await stat(`${path}.svg`)).ino).not.toBe(older);
    expect(await readFile(`${path}.svg`, 'utf8')).toContain(`figure ${key?.[1]} svg `);
  });
});
