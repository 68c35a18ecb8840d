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
export function labelExpr(labels: readonly string[]): string {
  return `${JSON.stringify(labels.map(visibleControls))}[datum.value]`;
}

/** Facet by the numeric `field` (0..labels.length-1), headed by the labels. */
export function indexFacet(field: string, labels: readonly string[], header: FacetFieldDef<string>['header'] = {}): FacetFieldDef<string> {
  return { field, type: 'ordinal', sort: 'ascending', title: null, header: { labelExpr: labelExpr(labels), ...header } };
}
