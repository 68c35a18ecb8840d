/** The HTML report of a run or of a comparison of runs. */

export { pageHistogramSpec, pageNormsSpec, type ReportSpecs, reportSpecs } from './chart-specs.ts';
export { viewCsv } from './csv.ts';
export { esc, escText, inlineScript, jsonScript, table } from './html.ts';
export { normsSection } from './norms-section.ts';
export { ALL_LAYERS, type NormCell, type NormsModel, type PageModel, pageModel } from './page-model.ts';
export { DASHBOARD_SCRIPT } from './page-scripts.ts';
export { PAGE_STYLE } from './page-style.ts';
export { type ReportOptions, reportHtml } from './report-html.ts';
export type { ViewsSpecs } from './views-specs.ts';
