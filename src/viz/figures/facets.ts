/**
 * Facet fields for small multiples. Panels are faceted by a position index (0, 1, …) and
 * labelled through a header expression, rather than by label with an explicit `sort` array:
 * Vega-Lite's sort arrays misplace panels when a row/column cell has no data.
 */
import type { FacetFieldDef } from 'vega-lite/types_unstable/spec/facet.js';
import { visibleControls } from './format.ts';

/**
 * A Vega expression giving `labels[datum.value]`, each label's control characters as escapes
 * (`visibleControls`) before it is quoted: the expression reads a quoted escape (`"\u202e"`, as
 * `JSON.stringify` writes a C0 control) back as the character, which `shownSpec` could not see.
 */
export function labelExpr(labels: readonly Label[]): string {
  return `${JSON.stringify(labels.map((l) => (typeof l === 'string' ? visibleControls(l) : l.map(visibleControls))))}[datum.value]`;
}

/** A header's label: one line, or lines (`['epoch=3 loss=0.5120', 'acc(cls)=0.9100']`). */
export type Label = string | readonly string[];

/** Facet by the numeric `field` (0..labels.length-1), headed by the labels (a label of several lines drawn as lines). */
export function indexFacet(field: string, labels: readonly Label[], header: FacetFieldDef<string>['header'] = {}): FacetFieldDef<string> {
  return { field, type: 'ordinal', sort: 'ascending', title: null, header: { labelExpr: labelExpr(labels), ...header } };
}
