/**
 * What of the pages' scripts a page of your own uses: Vega views fitted to their cards (vega.ts).
 * The report's and the dashboard's scripts themselves are bundled at build time (tsdown.config.mjs).
 */
export { cardWidth, finalizeView, newView, type PageVega, type VegaViewOptions } from './vega.ts';
