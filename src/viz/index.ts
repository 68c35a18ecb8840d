/**
 * penalty-explorer/viz: figures as pure functions from run records to Vega-Lite specs, and the
 * report page (its model, its HTML given Vega's script). Browser-safe, TF.js-free: it reads the
 * record formats only. Rendering to files is in penalty-explorer/node.
 *
 *   run records ─► figure spec (Vega-Lite) ─► toVega ─► a Vega view (browser) or SVG/PNG (node)
 *   run records ─► pageModel + reportSpecs ─► reportHtml (one self-contained page)
 *   Vega spec (forPage) ─► newView: a Vega view on your page, fitted to its card (pages/vega.ts)
 */
export * from './figures/index.ts';
export { PACKED_JSON_TYPE, packJson, unpackJson } from './packed/index.ts';
export { cardWidth, finalizeView, newView, type PageVega, type VegaViewOptions } from './pages/index.ts';
export * from './report/index.ts';
