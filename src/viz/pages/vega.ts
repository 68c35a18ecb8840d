/**
 * Vega as the pages find it: the global `vega` of Vega's own browser build, which the page loads
 * before its script (inlined in the report, /assets/vega.min.js on the dashboard). Types only
 * from the package: nothing of Vega is bundled into the pages' scripts.
 */
import type * as Vega from 'vega';

/** A Vega view (`vega.View`), as the pages make them. */
export type View = Vega.View;

/** A Vega view of `spec` rendered as SVG into `container`. */
export function newView(spec: Vega.Spec, container: HTMLElement): View {
  const vega = (globalThis as unknown as { vega: typeof Vega }).vega;
  return new vega.View(vega.parse(spec), { renderer: 'svg', container, hover: true });
}
