/**
 * Rendering a Vega-Lite spec without a browser: to SVG with Vega's headless view, to PNG with
 * resvg and DejaVu Sans (no system fonts, so images are the same on every machine), and to files,
 * written atomically (a temporary name in the same folder, then a rename). Vega is imported on
 * first use (it is an ES module only, and this module is in the CommonJS build too), and then
 * measures text with DejaVu Sans's metrics (see font-metrics.ts).
 *
 * PNG rendering is optional: `@resvg/resvg-js` and `dejavu-fonts-ttf` are optional peer
 * dependencies. Without them figures are written as SVG only (`pngRendering()` says why), and
 * Vega measures text with its own estimate.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { UsageError } from '../errors.ts';
import { packageVersion, writeFilesAtomic } from '../io/index.ts';
import { FONT, toVega } from '../viz/index.ts';
import { loadFontMetrics } from './font-metrics.ts';

const require = createRequire(import.meta.url);

/** The module's file when the package resolves, else undefined. */
function resolved(id: string): string | undefined {
  try {
    return require.resolve(id);
  } catch {
    return undefined;
  }
}

/** The DejaVu Sans faces the PNG renderer may use (empty when `dejavu-fonts-ttf` is not installed). */
export const FONT_FILES: readonly string[] = (() => {
  const files = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf'].map((f) =>
    resolved(`dejavu-fonts-ttf/ttf/${f}`),
  );
  return files.every((f) => f !== undefined) ? (files as string[]) : [];
})();

type Resvg = typeof import('@resvg/resvg-js');
let resvg: Resvg | null | undefined;

/** resvg, or null when it is not installed (or its native binary does not load here). */
function resvgModule(): Resvg | null {
  if (resvg === undefined) {
    try {
      resvg = require('@resvg/resvg-js') as Resvg;
    } catch {
      resvg = null;
    }
  }
  return resvg;
}

/** Whether figures can be written as PNG here: `{ ok: true }`, or why not (the packages to install). */
export function pngRendering(): { readonly ok: true } | { readonly ok: false; readonly why: string } {
  const missing = [...(resvgModule() ? [] : ['@resvg/resvg-js']), ...(FONT_FILES.length ? [] : ['dejavu-fonts-ttf'])];
  return missing.length === 0
    ? { ok: true }
    : { ok: false, why: `PNG figures need ${missing.join(' and ')} (npm install ${missing.join(' ')}); writing SVG only` };
}

interface TextItem {
  fontSize?: number;
  fontWeight?: string | number;
  text?: unknown;
}

type Vega = typeof import('vega');
let loaded: Promise<Vega> | undefined;

/** Vega, with its text width hook (its documented extension point) measuring with the DejaVu faces. */
function vegaModule(): Promise<Vega> {
  return (loaded ??= import('vega').then((vega) => {
    installTextMetrics(vega);
    return vega;
  }));
}

function installTextMetrics(vega: Vega): void {
  // Without the font files, Vega keeps its own estimate of text widths.
  if (FONT_FILES.length === 0) return;
  const regular = loadFontMetrics(FONT_FILES[0] as string);
  const bold = loadFontMetrics(FONT_FILES[1] as string);
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } }).textMetrics;
  metrics.width = (item, text) => {
    const value = text ?? item.text;
    const size = item.fontSize ?? 11;
    const isBold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    return size > 0 && value != null ? (isBold ? bold : regular).width(String(value), size) : 0;
  };
}

/**
 * `svg` with every character XML does not allow (C0 controls but tab and line ends, lone
 * surrogates, U+FFFE, U+FFFF) shown instead: a control as its Unicode picture (ESC ─► ␛), any
 * other as �. A record's strings reach the figures' text as they are: one with a terminal escape
 * would make the SVG unreadable (not XML: resvg and browsers refuse it). The bidirectional
 * controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069; XML allows them) are shown as
 * � too: unseen, they reorder a label (`l1\u202egnp.exe` drawn as `l1exe.png`), and the figure
 * would show a run's name other than the record's.
 *
 * @example
 * xmlSafe('<text>a\u001b[31m</text>')   // '<text>a␛[31m</text>'
 * xmlSafe('<text>l1\u202egnp</text>')   // '<text>l1�gnp</text>'
 */
export function xmlSafe(svg: string): string {
  // \p{Cc}: C0 and C1 controls and DEL (XML allows C1, DEL, tab and line ends); \p{Cs}: a lone surrogate (with `u`).
  return svg.replace(/\p{Cc}|\p{Cs}|\p{Bidi_Control}|[\ufffe\uffff]/gu, (c) => {
    const code = c.charCodeAt(0);
    if (code === 0x09 || code === 0x0a || code === 0x0d || (code >= 0x7f && code <= 0x9f)) return c;
    return code < 0x20 ? String.fromCharCode(0x2400 + code) : '\ufffd';
  });
}

/**
 * A Vega-Lite spec drawn as SVG text, without a browser, fit to be read as XML (`xmlSafe`).
 *
 * @example
 * writeFileSync('accuracy.svg', await renderSvg(accuracySpec(records)));
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vega = await vegaModule();
  const view = new vega.View(vega.parse(await toVega(spec)), { renderer: 'none' });
  try {
    return xmlSafe(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/**
 * The SVG as a PNG on white, at `scale` times its size (default 2, for sharp text); a UsageError when PNG rendering is not installed.
 *
 * resvg-js (2.6.2; 2.7.0-alpha.2 the same) reads a font file whole again for every glyph it shapes or
 * outlines (its font database holds files by path, without a memory map): a run's 16 figures open the
 * faces ≈ 6 300 times, ≈ 0.25 s of the ≈ 0.65 s of CPU their PNGs take (Dec 2026). Its native binding
 * takes fonts only as files or folders (`fontBuffers` is @resvg/resvg-wasm's: the same PNG bytes, but
 * ≈ 0.83 s a warm draw, and ≈ 1.2 s more in each process's first while its code compiles).
 * Measure again when resvg-js changes.
 */
export function svgToPng(svg: string, options: { scale?: number } = {}): Uint8Array {
  const png = pngRendering();
  if (!png.ok) throw new UsageError(png.why.replace(/; writing SVG only$/, ''));
  const resvg = new (resvgModule() as Resvg).Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: { fontFiles: [...FONT_FILES], loadSystemFonts: false, defaultFontFamily: FONT },
  });
  return new Uint8Array(resvg.render().asPng());
}

/** Options of `writeFigure`. */
export interface FigureOptions {
  /** Write `<path>.svg` next to the PNG too (it always is without PNG rendering). */
  readonly svg?: boolean;
  /**
   * Keep the files when they were drawn from this same spec by this same renderer (nothing rendered,
   * nothing written, their SVG returned): the SVG file ends with the drawing's key (`figureKey`) and
   * the sizes and SHA-256s of the SVG before it and of the PNG drawn with it, all compared with what
   * is there. Only a figure with an SVG file is kept so; an SVG or PNG that is not the one drawn
   * (missing, edited, one of another drawing) draws it again — a write that, in a folder of the
   * tool's, is refused with both files left as they are when one there is not one it can prove it
   * wrote (a user's). For a figure redrawn often from inputs that mostly stay the same (a sweep's,
   * after each run).
   */
  readonly keepUnchanged?: boolean;
}

/** The version of an installed package (read from its package.json, found above its entry), or `none`. */
function installedVersion(id: string): string {
  const entry = resolved(id);
  if (!entry) return 'none';
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === id) return pkg.version ?? 'unknown';
  }
  return 'unknown';
}

let rendererVersions: string | undefined;

/**
 * The key of a figure's drawing: a hash of its spec and of what draws it (this package's, Vega's,
 * Vega-Lite's and resvg's versions, the fonts, whether a PNG is written), so the same key means the
 * same files.
 *
 * @example
 * figureKey(spec, { svg: true })   // 'sha256:3f1c…' (64 hex digits), the same for an equal spec
 */
function figureKey(spec: TopLevelSpec, options: Pick<FigureOptions, 'svg'> = {}): string {
  rendererVersions ??= ['penalty-explorer', 'vega', 'vega-lite', '@resvg/resvg-js']
    .map((id) => `${id}@${id === 'penalty-explorer' ? packageVersion() : installedVersion(id)}`)
    .join(' ');
  const drawn = { spec, svg: options.svg === true, png: pngRendering().ok, fonts: FONT_FILES.length, by: rendererVersions };
  return `sha256:${createHash('sha256').update(JSON.stringify(drawn)).digest('hex')}`;
}

/** `bytes` (a string as UTF-8) proven by its size and SHA-256, as a key line writes it: `<size> sha256:<hex>`. */
function sizeAndHash(bytes: string | Uint8Array): string {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  return `${data.byteLength} sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/** How every key line starts (`keyLine`): what `keptSvg` looks for at the end of an SVG file. */
const KEY_LINE_START = '\n<!-- penalty-explorer figure ';

/**
 * The line an SVG file drawn with `key` ends with (an XML comment after the root element: the file
 * stays an SVG): the key, the size and SHA-256 of the SVG before it (`svg`, so an edit of the body
 * is seen however the line is kept), and those of the PNG drawn with it where one is written.
 *
 * @example
 * keyLine('sha256:3f1c…', svg, pngBytes)
 * // '\n<!-- penalty-explorer figure sha256:3f1c… svg 61377 sha256:c2d4… png 48213 sha256:9a0e… -->\n'
 */
function keyLine(key: string, svg: string, png: Uint8Array | undefined): string {
  return `${KEY_LINE_START}${key} svg ${sizeAndHash(svg)}${png ? ` png ${sizeAndHash(png)}` : ''} -->\n`;
}

/** The content of `path`, or undefined when it cannot be read (not there). */
async function readIfThere(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch {
    return undefined;
  }
}

/**
 * The SVG of `<path>.svg` when the file is that SVG and the line `keyLine(key, svg, png)` after it
 * — the body and the PNG there (where one is written) those the line proves — else undefined: an
 * SVG edited, a PNG missing or of other bytes, or a line of another drawing (or of an older version,
 * without the SVG's proof) is not kept.
 */
async function keptSvg(pathWithoutExtension: string, key: string, png: boolean): Promise<string | undefined> {
  const pngBytes = png ? await readIfThere(`${pathWithoutExtension}.png`) : undefined;
  if (png && !pngBytes) return undefined;
  const text = (await readIfThere(`${pathWithoutExtension}.svg`))?.toString('utf8');
  const at = text?.lastIndexOf(KEY_LINE_START) ?? -1;
  if (text === undefined || at < 0) return undefined;
  const svg = text.slice(0, at);
  return text.slice(at) === keyLine(key, svg, pngBytes) ? svg : undefined;
}

/** Which files `writeFigure` writes with `options`: the PNG where PNG rendering is installed, the SVG when asked or without PNG. */
function figureKinds(options: FigureOptions): { readonly png: boolean; readonly svg: boolean } {
  const png = pngRendering().ok;
  return { png, svg: options.svg === true || !png };
}

/**
 * The files `writeFigure(pathWithoutExtension, spec, options)` writes (whatever the spec).
 *
 * @example
 * figureFiles('epoch-003', { svg: true })   // ['epoch-003.png', 'epoch-003.svg'] (['epoch-003.svg'] without PNG rendering)
 */
export function figureFiles(pathWithoutExtension: string, options: FigureOptions = {}): string[] {
  const kinds = figureKinds(options);
  return [...(kinds.png ? [`${pathWithoutExtension}.png`] : []), ...(kinds.svg ? [`${pathWithoutExtension}.svg`] : [])];
}

/** A figure drawn, not yet written: its SVG, and the files to write (none when those there are kept: `keepUnchanged`). */
export interface DrawnFigure {
  readonly svg: string;
  readonly files: ReadonlyArray<readonly [path: string, data: string | Uint8Array]>;
}

/**
 * The files `writeFigure` writes, drawn and not written, to write together with others
 * (`writeFilesAtomic`: a sweep's figures and report replaced together); none when `keepUnchanged`
 * keeps those there. The PNG comes first: the SVG's key line, written last, vouches for both (each
 * by its size and SHA-256).
 *
 * @example
 * const { svg, files } = await drawFigure('out/sparsity', sparsitySpec(runs), { svg: true, keepUnchanged: true });
 * await writeFilesAtomic([...files, ['out/report.html', `<!doctype html><body>${svg}</body>`]]);   // the figure and its page replaced together
 */
export async function drawFigure(pathWithoutExtension: string, spec: TopLevelSpec, options: FigureOptions = {}): Promise<DrawnFigure> {
  const { png, svg: withSvg } = figureKinds(options);
  const key = options.keepUnchanged ? figureKey(spec, options) : undefined;
  if (key !== undefined && withSvg) {
    const kept = await keptSvg(pathWithoutExtension, key, png);
    if (kept !== undefined) return { svg: kept, files: [] };
  }
  const svg = await renderSvg(spec);
  const pngBytes = png ? svgToPng(svg) : undefined;
  return {
    svg,
    files: [
      ...(pngBytes ? [[`${pathWithoutExtension}.png`, pngBytes] as const] : []),
      ...(withSvg ? [[`${pathWithoutExtension}.svg`, key === undefined ? svg : svg + keyLine(key, svg, pngBytes)] as const] : []),
    ],
  };
}

/**
 * Writes `<path>.png` (where PNG rendering is installed), and `<path>.svg` when asked or without PNG (`figureFiles`); returns the SVG text.
 * With `keepUnchanged`, files drawn from the same spec before are kept as they are (see FigureOptions).
 * Both are announced before either is written (a folder's ownership check refusing one leaves both as they were).
 *
 * @example
 * const svg = await writeFigure('out/sparsity', sparsitySpec(runs), { svg: true, keepUnchanged: true });
 */
export async function writeFigure(pathWithoutExtension: string, spec: TopLevelSpec, options: FigureOptions = {}): Promise<string> {
  const { svg, files } = await drawFigure(pathWithoutExtension, spec, options);
  if (files.length > 0) await writeFilesAtomic(files);
  return svg;
}
