/**
 * Compiling a figure's Vega-Lite spec to Vega (what the report's pages and the renderer run).
 * Vega-Lite is imported on first use: it is an ES module only, and this package has a CommonJS build.
 */
import type { Spec } from 'vega';
import type { TopLevelSpec } from 'vega-lite';

let compiler: Promise<typeof import('vega-lite')> | undefined;

/** The spec compiled to Vega. */
export async function toVega(spec: TopLevelSpec): Promise<Spec> {
  const { compile } = await (compiler ??= import('vega-lite'));
  return compile(spec).spec;
}
