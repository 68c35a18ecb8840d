/**
 * Compiling a figure's Vega-Lite spec to Vega (what the report's pages and the renderer run).
 * Vega-Lite is imported on first use: it is an ES module only, and this package has a CommonJS build.
 */
import type { Spec } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { legendsFollowWidth, widthsFollowCard } from './fit-width.ts';
import { CONFIG, FONT_STACK } from './theme.ts';
import { columnsFollowWidth } from './wrap.ts';

let compiler: Promise<typeof import('vega-lite')> | undefined;

/** The spec compiled to Vega (a wrapped facet's columns following its width signal: wrap.ts; a row of plots and its legends' labels narrowing to it: fit-width.ts). */
export async function toVega(spec: TopLevelSpec): Promise<Spec> {
  const { compile } = await (compiler ??= import('vega-lite'));
  return legendsFollowWidth(widthsFollowCard(columnsFollowWidth(compile(spec).spec)));
}

/** The theme for web pages: in the browser DejaVu Sans may be missing, so the usual sans-serif fonts follow it. */
export const PAGE_CONFIG = { ...CONFIG, font: FONT_STACK };

/** The spec compiled to Vega for a web page (the report, the dashboard). */
export function forPage(spec: TopLevelSpec): Promise<Spec> {
  return toVega({ ...spec, config: PAGE_CONFIG } as TopLevelSpec);
}
