/** The HTML report of a run or of a comparison of runs. */
export { reportHtml } from './report-html.ts';
export { pageModel, ALL_LAYERS, type PageModel } from './page-model.ts';
export { reportSpecs, pageHistogramSpec, type ReportSpecs } from './chart-specs.ts';
