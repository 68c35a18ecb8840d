/**
 * The HTML report of a run or of a comparison of runs: one self-contained page.
 *
 *   runs ─► pageModel (page-model.ts; the views' data: views-model.ts): per run, layer and epoch
 *        ─► reportSpecs (chart-specs.ts, views-specs.ts): the charts compiled to Vega in Node
 *        ─► reportHtml (report-html.ts): the controls and sections (norms-section.ts,
 *           prune-section.ts, views-section.ts, numbers-table.ts), the model and specs packed
 *           (html.ts, ../packed/), Vega's script and the page's (page-scripts.ts, page-style.ts)
 *           inline, under its content security policy (html.ts: pageCsp)
 */

export { pageHistogramSpec, pageNormsSpec, type ReportSpecs, reportSpecs } from './chart-specs.ts';
export { viewCsv } from './csv.ts';
export { esc, escText, inlineScript, jsonScript, table } from './html.ts';
export { normsSection } from './norms-section.ts';
export { ALL_LAYERS, type NormCell, type NormsModel, type PageModel, pageModel } from './page-model.ts';
export { DASHBOARD_SCRIPT } from './page-scripts.ts';
export { PAGE_STYLE } from './page-style.ts';
export { type ReportOptions, reportHtml } from './report-html.ts';
export type { ViewsSpecs } from './views-specs.ts';
