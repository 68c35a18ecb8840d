/** The HTML report of a run or of a comparison of runs. */
export { reportHtml, type ReportOptions } from './report-html.ts';
export { pageModel, ALL_LAYERS, type PageModel, type NormsModel, type NormCell } from './page-model.ts';
export { reportSpecs, pageHistogramSpec, pageNormsSpec, type ReportSpecs } from './chart-specs.ts';
export { normsSection } from './norms-section.ts';
export { esc, inlineScript, jsonScript, table } from './html.ts';
export { PAGE_STYLE } from './page-style.ts';
export { viewCsv } from './csv.ts';
export { DASHBOARD_SCRIPT } from './page-scripts.ts';
export type { ViewsSpecs } from './views-specs.ts';
