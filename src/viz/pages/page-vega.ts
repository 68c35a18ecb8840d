/**
 * Vega views on the report and the dashboard: `newView` (vega.ts) with the global `vega` of Vega's
 * own browser build, which these pages load before their scripts (inlined in the report,
 * /assets/vega.min.js on the dashboard); read when a view is made, not when this module loads.
 */
import type * as Vega from 'vega';
import { newView, type PageVega, type View } from './vega.ts';

/** A view of `spec` in `container`, fitted to its card, on the renderer its figure chooses (`newView`). */
export function pageView(spec: Vega.Spec, container: HTMLElement): View {
  return newView(spec, container, { vega: (globalThis as unknown as { vega: PageVega }).vega });
}
