/** Reading Vega-Lite specs in figure tests. */

/** The spec as plain JSON, to read nested fields. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs are deep unions; tests read them loosely
export const plain = (spec: unknown): any => JSON.parse(JSON.stringify(spec));

/** The labels of a header `labelExpr` built by the figures (`[...][datum.value]`). */
export const headerLabels = (header: { labelExpr: string }): string[] => JSON.parse(header.labelExpr.replace(/\[datum\.value\]$/, ''));

/** Each layer's bound rules in a norms grid spec (`normsGridSpec`: one column per layer), as [layer, bound]. */
export function gridRules(spec: unknown): Array<[string, number]> {
  return plain(spec).hconcat.flatMap((c: any) => [
    ...new Map<string, [string, number]>(
      c.data.values.filter((v: any) => v.kind === 'bound').map((v: any) => [`${v.layer}:${v.bound}`, [v.layer, v.bound]]),
    ).values(),
  ]);
}
