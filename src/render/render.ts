/**
 * Rendering a Vega-Lite spec without a browser: to SVG with Vega's headless view, to PNG with
 * resvg and the bundled DejaVu Sans (no system fonts, so images are the same on every machine),
 * and to files, written atomically (a temporary name in the same folder, then a rename).
 * Vega is imported on first use (it is an ES module only, and this module is in the CommonJS
 * build too), and then measures text with DejaVu Sans's metrics (see font-metrics.ts).
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';
import { toVega } from '../figures/index.ts';
import { writeFileAtomic } from '../../io/atomic.ts';
import { loadFontMetrics } from './font-metrics.ts';
import { FONT } from '../figures/index.ts';

const require = createRequire(import.meta.url);

/** The DejaVu Sans faces the PNG renderer may use. */
export const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf', 'DejaVuSans-BoldOblique.ttf'].map((f) =>
  require.resolve(`dejavu-fonts-ttf/ttf/${f}`),
);

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

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const vega = await vegaModule();
  const view = new vega.View(vega.parse(await toVega(spec)), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The SVG as a PNG on white, at `scale` times its size (default 2, for sharp text). */
export function svgToPng(svg: string, options: { scale?: number } = {}): Uint8Array {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT },
  });
  return new Uint8Array(resvg.render().asPng());
}

/** Writes `<path>.png`, and `<path>.svg` when asked; returns the SVG text. */
export async function writeFigure(pathWithoutExtension: string, spec: TopLevelSpec, options: { svg?: boolean } = {}): Promise<string> {
  const svg = await renderSvg(spec);
  await writeFileAtomic(`${pathWithoutExtension}.png`, svgToPng(svg));
  if (options.svg) await writeFileAtomic(`${pathWithoutExtension}.svg`, svg);
  return svg;
}
