/**
 * Text of the figures and the report, in one place: the `epoch=E loss=L acc=A` title, weight
 * counts, and number formats (plain JavaScript, so the output does not depend on the locale).
 */

import { visibleControls } from '../../errors.ts';
import { type Histogram, outputAccuracies, type RunRecord, type WeightsSnapshot } from '../../formats/index.ts';
import { formatSpec, OPTIMIZER_SIGNATURES, parseSpec } from '../../registry/index.ts';

export { visibleControls };

/**
 * A figure's spec as every renderer shows it — the PNG and SVG files, report.html, the dashboard,
 * the playground: each string in it (data values, titles, subtitles, axis, legend and header
 * labels, scale domains, tooltips) through `visibleControls`, so a record's string cannot show
 * itself reordered in a legend or a tooltip. Every figure returns its spec through it, the one
 * place record strings pass on their way into a spec. A string quoted into a Vega expression (a
 * facet's labels, facets.ts) is escaped before it is quoted there: the expression would read an
 * escape back as the character. Parts without a control character are returned as they are.
 *
 * Names are kept as they are: the data's keys, and the field names that refer to them (`FIELDS`,
 * a user monitor's `field: 'dead\u0007'`) and make them (`as`). Escaped, they would no longer
 * match — Vega-Lite reads a backslash in a field name as an escape and cannot pass one on to Vega
 * — and the chart would draw empty. What Vega-Lite shows of a name is escaped instead: a
 * channel whose field (or title) holds a control gets titles that show the escape (`titled`).
 * An expression's string (`datum['dead\u0007']`) is escaped as text: it reads the escape back
 * as the character, so it still names a kept key.
 *
 * @example
 * shownSpec({ title: 'l1\u202egnp', data: { values: [{ run: 'a\u0007', x: 1 }] } })
 * // { title: 'l1\\u202egnp', data: { values: [{ run: 'a\\u0007', x: 1 }] } }
 * shownSpec({ data: { values: [{ 'a\u0007': 1 }] }, encoding: { y: { field: 'a\u0007' } } })
 * // { data: { values: [{ 'a\u0007': 1 }] }, encoding: { y: { field: 'a\u0007', title: 'a\\\\u0007', axis: { title: 'a\\u0007' } } } }
 */
export function shownSpec<T>(spec: T): T {
  return shown(spec, 'spec') as T;
}

/**
 * Properties of a Vega-Lite (or Vega) spec whose strings are field names: an encoding's or
 * transform's `field`, the field lists of transforms (`fold`, `groupby`, `flatten`, lookup's
 * `fields`, a `repeat`'s lists), the field of a transform named by its own key (`pivot`,
 * `density`, `loess`, `regression`, `quantile`, `impute` and its `key`, `lookup`, `extent`,
 * `stack`), `argmin` / `argmax`, and the names transforms give their output (`as`). A pivot's
 * `value` and a loess's or regression's `on` are fields beside those keys only (`readingOf`).
 * Only their strings and lists of strings are names (an encoding's `key` or `impute` is an
 * object, read as the rest of the spec), and a `repeat`'s lists in an object.
 */
const FIELDS = new Set([
  'field',
  'fields',
  'groupby',
  'fold',
  'flatten',
  'repeat',
  'pivot',
  'density',
  'loess',
  'regression',
  'quantile',
  'impute',
  'key',
  'lookup',
  'extent',
  'stack',
  'argmin',
  'argmax',
  'as',
]);

/**
 * How `shown` reads a part of a spec: its own text (escaped; keys too), data rows (`values`, a
 * format's `parse`, and the `datasets`, whose names are escaped as `data.name` is: values
 * escaped, keys kept), names (`FIELDS`, kept), or an `encoding` (or a `facet`), whose channels'
 * titles are made safe (`titled`).
 */
type Reading = 'spec' | 'data' | 'datasets' | 'name' | 'encoding';

function shown(value: unknown, reading: Reading): unknown {
  if (typeof value === 'string') return reading === 'name' ? value : visibleControls(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const y = shown(value[i], reading);
      if (y !== value[i]) (copy ??= value.slice())[i] = y;
    }
    return copy ?? value;
  }
  // Copied from the first key or value that changes, the keys before it as they are.
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object);
  let copy: Record<string, unknown> | undefined;
  keys.forEach((k, i) => {
    const v = reading === 'encoding' || (reading === 'spec' && k === 'facet') ? titled(k, object[k]) : object[k];
    const y = shown(v, childReading(object, k, reading));
    const key = reading === 'data' ? k : visibleControls(k);
    if (!copy && (y !== object[k] || key !== k)) copy = Object.fromEntries(keys.slice(0, i).map((j) => [j, object[j]]));
    if (copy) copy[key] = y;
  });
  return copy ?? value;
}

/** Channels whose title Vega-Lite shows on an axis, on a legend, or on a facet's header. */
const TITLED_BY: Readonly<Record<string, 'axis' | 'legend' | 'header'>> = {
  x: 'axis',
  y: 'axis',
  ...Object.fromEntries(
    ['color', 'fill', 'stroke', 'shape', 'size', 'opacity', 'fillOpacity', 'strokeOpacity', 'strokeWidth', 'strokeDash', 'angle'].map((c) => [c, 'legend']),
  ),
  row: 'header',
  column: 'header',
  facet: 'header',
};

/**
 * Channel `channel`'s definition with its title safe where a field or title holds a control.
 * Vega-Lite shows a channel's title (its field's name unless it has one) on its axis, legend or
 * header as it is, but quotes it into a Vega expression for tooltips and the marks' ARIA
 * descriptions, where `\u0007` reads back as the character: so the definition's `title` gets the
 * escape with its backslash doubled (`quotedText`) and the axis, legend or header its own `title`,
 * the escape, unless they have one.
 *
 * @example
 * titled('y', { field: 'a\u0007' })   // { field: 'a\u0007', title: 'a\\\\u0007', axis: { title: 'a\\u0007' } }
 */
function titled(channel: string, def: unknown): unknown {
  if (Array.isArray(def)) {
    const defs = def.map((d) => titled(channel, d));
    return defs.some((d, i) => d !== def[i]) ? defs : def;
  }
  if (def === null || typeof def !== 'object') return def;
  const object = def as Record<string, unknown>;
  const title = object['title'] ?? object['field'];
  if (typeof title !== 'string' || visibleControls(title) === title) return object;
  const shows = TITLED_BY[channel];
  const guide = shows && object[shows] !== null ? ((object[shows] ?? {}) as Record<string, unknown>) : undefined;
  return {
    ...object,
    title: quotedText(title),
    ...(shows && guide && typeof guide === 'object' && !('title' in guide) ? { [shows]: { ...guide, title: visibleControls(title) } } : {}),
  };
}

/**
 * `text` as a Vega expression's string literal reads it back as `visibleControls(text)`: each
 * control escaped, the escape's backslash doubled.
 *
 * @example
 * quotedText('a\u0007')   // 'a\\\\u0007' (a, two backslashes, u0007)
 */
function quotedText(text: string): string {
  return [...text].map((c) => (visibleControls(c) === c ? c : `\\${visibleControls(c)}`)).join('');
}

/** How the value of property `k` of `object`, read as `reading`, is read. */
function childReading(object: Record<string, unknown>, k: string, reading: Reading): Reading {
  if (reading === 'data' || reading === 'name') return reading;
  return reading === 'datasets' ? 'data' : readingOf(object, k);
}

/** How the value of property `k` of a spec's `object` is read (see `Reading`). */
function readingOf(object: Record<string, unknown>, k: string): Reading {
  // A data format's `parse` is keyed by field names: read as the data's rows.
  if (k === 'values' || k === 'parse') return 'data';
  if (k === 'datasets') return 'datasets';
  const v = object[k];
  // A facet is a channel's definition, or channels (`row`, `column`).
  if (k === 'encoding' || (k === 'facet' && v !== null && typeof v === 'object' && !('field' in v))) return 'encoding';
  if (k === 'repeat' || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) {
    if (FIELDS.has(k) || (k === 'value' && 'pivot' in object) || (k === 'on' && ('loess' in object || 'regression' in object))) return 'name';
  }
  return 'spec';
}

/** `x` with 4 decimals (`0.0412`); `n/a` for a score that was not measured (null). */
export function fixed4(x: number | null): string {
  if (x === null) return 'n/a';
  return Number.isFinite(x) ? x.toFixed(4) : String(x);
}

/** An integer with comma grouping: 1199882 → `1,199,882`. */
export function grouped(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A fraction as a percentage with 2 decimals: 0.12345 → `12.35%`. */
export function percent(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

/** A share as a short percentage: `0%`, `<0.1%`, `12.5%`, `100%`. */
export function shortPercent(x: number): string {
  if (x === 0) return '0%';
  if (x > 0 && x < 0.001) return '<0.1%';
  return `${Number((100 * x).toFixed(1))}%`;
}

/**
 * A snapshot's test scores, as the figures note them in a panel: `loss=0.0412 acc=0.9871`; for a
 * model of several outputs (no single accuracy) each output's, in lines no longer than one
 * output's note (`wrapped`): `['loss=0.5120', 'acc(cls)=0.9100', 'acc(box)=0.7500']`.
 */
export function scoresNote(s: Scored): string | string[] {
  return wrapped(scoreParts(s), scoreParts({ testLoss: s.testLoss, testAcc: 0 }).join(' ').length);
}

/**
 * The title of one snapshot: `epoch=3 loss=0.0412 acc=0.9871`; for a model of several outputs
 * each output's accuracy, `epoch=3 loss=0.5120 acc(cls)=0.9100`.
 */
export function snapshotTitle(s: Scored & Pick<WeightsSnapshot, 'epoch'>): string {
  return [`epoch=${s.epoch}`, ...scoreParts(s)].join(' ');
}

/**
 * `snapshotTitle` as a small multiple's header: in lines no longer than a one-output title of the
 * same epoch and loss (so a panel of several outputs is as wide as one of one output), each output
 * as `named` names it (a long name shortened to fit a line: score-notes.ts's `outputNames`).
 *
 * @example
 * wrappedSnapshotTitle({ epoch: 3, testLoss: 0.5, testAcc: null, testMetrics: { a_loss: 0.2, b_loss: 0.3, a_acc: 0.9, b_acc: 0.8 } })
 * // ['epoch=3 loss=0.5000', 'acc(a)=0.9000 acc(b)=0.8000']   (each at most 'epoch=3 loss=0.5000 acc=0.9000'.length, 30)
 */
export function wrappedSnapshotTitle(s: Scored & Pick<WeightsSnapshot, 'epoch'>, named?: (output: string) => string): string | string[] {
  return wrapped([`epoch=${s.epoch}`, ...scoreParts(s, named)], snapshotTitle({ epoch: s.epoch, testLoss: s.testLoss, testAcc: 0 }).length);
}

/**
 * `parts` joined by spaces in lines of at most `most` characters (a longer part on a line of its
 * own): a title's scores, a subtitle's words (figures/wrap.ts).
 *
 * @example
 * linesOf(['loss=0.5000', 'acc(a)=0.9000', 'acc(b)=0.8000'], 23)   // ['loss=0.5000', 'acc(a)=0.9000', 'acc(b)=0.8000']
 * linesOf('per epoch (0 = initial)'.split(' '), 12)                  // ['per epoch (0', '= initial)']
 */
export function linesOf(parts: readonly string[], most: number): string[] {
  const lines: string[] = [];
  for (const part of parts) {
    const last = lines.at(-1);
    if (last !== undefined && `${last} ${part}`.length <= most) lines[lines.length - 1] = `${last} ${part}`;
    else lines.push(part);
  }
  return lines;
}

/** `linesOf(parts, most)`, one line returned as the text itself (always so for a model of one output). */
function wrapped(parts: readonly string[], most: number): string | string[] {
  const lines = linesOf(parts, most);
  return lines.length === 1 ? (lines[0] as string) : lines;
}

/** What a snapshot's scores are read from. */
type Scored = Pick<WeightsSnapshot, 'testLoss' | 'testAcc' | 'testMetrics'>;

/** `loss=L`, then `acc=A` or each output's `acc(output)=A` (the output as `named` names it: shortened, score-notes.ts). */
export function scoreParts(s: Scored, named: (output: string) => string = (o) => o): string[] {
  const byOutput = s.testAcc === null ? outputAccuracies(s.testMetrics) : [];
  const acc = byOutput.length ? byOutput.map((o) => `acc(${named(o.output)})=${fixed4(o.acc)}`) : [`acc=${fixed4(s.testAcc)}`];
  return [`loss=${fixed4(s.testLoss)}`, ...acc];
}

/** A range edge as written in counts and axis texts, with a real minus sign: −1, 1, 0.5. */
export function edge(x: number): string {
  return x < 0 ? `−${-x}` : String(x);
}

/** How many weights fall outside the histogram or are exactly 0. */
export function countsLine(h: Histogram, what = 'weights'): string {
  return `${grouped(h.count)} ${what} · below ${edge(h.lo)}: ${grouped(h.below)} · above ${edge(h.hi)}: ${grouped(h.above)} · exactly 0: ${grouped(h.zeros)}`;
}

/** Whether the runs were trained with different optimisers (then labels name them). */
function optimizersDiffer(runs: readonly RunRecord[]): boolean {
  return new Set(runs.map((r) => r.config.optimizer)).size > 1;
}

/** An optimiser spec without the parameters left at their defaults (lr and wd always shown): `adamw:lr=0.001,wd=1e-4`. */
export function shortOptimizer(spec: string): string {
  try {
    const parsed = parseSpec(spec);
    const signature = Object.hasOwn(OPTIMIZER_SIGNATURES, parsed.name) ? OPTIMIZER_SIGNATURES[parsed.name as keyof typeof OPTIMIZER_SIGNATURES] : undefined;
    if (!signature) return spec;
    const params: Readonly<Record<string, { readonly default: number }>> = signature.params;
    const kept = parsed.params.filter(([k, v]) => k === 'lr' || k === 'wd' || !(k in params) || Number(v) !== params[k]?.default);
    return formatSpec(parsed.name, undefined, Object.fromEntries(kept.map(([k, v]) => [k, Number(v)])));
  } catch {
    return spec;
  }
}

/**
 * The legend / column label of each run: its penalty spec, plus its optimiser spec when the runs'
 * optimisers differ (so `l2:1e-4 · adam:lr=0.001` and `none · adamw:lr=0.001,wd=1e-4` are told
 * apart), with the run's name added when two labels would still be equal (e.g. two seeds of
 * `l1:1e-4`).
 *
 * @example
 * runLabels(records)   // ['none', 'l1:1e-4 (l1_seed=1)', 'l1:1e-4 (l1_seed=2)']
 */
export function runLabels(runs: readonly RunRecord[]): string[] {
  const withOptimizer = optimizersDiffer(runs);
  const base = runs.map((r) => (withOptimizer ? `${r.config.penalty} · ${shortOptimizer(r.config.optimizer)}` : r.config.penalty));
  const labels = runs.map((r, i) =>
    base.indexOf(base[i] as string) === base.lastIndexOf(base[i] as string) ? (base[i] as string) : `${base[i]} (${r.config.name || `run ${i + 1}`})`,
  );
  // Still equal (same penalty, optimiser and name): number them.
  return labels.map((l, i) => (labels.indexOf(l) === labels.lastIndexOf(l) ? l : `${l} #${i + 1}`));
}

/** The title of the legend of `runLabels`: `penalty`, or `penalty · optimizer` when those differ. */
export function runLabelsTitle(runs: readonly RunRecord[]): string {
  return optimizersDiffer(runs) ? 'penalty · optimizer' : 'penalty';
}

/** Ascending epochs with their runs shortened: `0–10, 20, 30–32` (`none` for none). */
export function epochRanges(epochs: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < epochs.length; ) {
    let j = i;
    while (j + 1 < epochs.length && epochs[j + 1] === (epochs[j] as number) + 1) j++;
    parts.push(j > i + 1 ? `${epochs[i]}–${epochs[j]}` : epochs.slice(i, j + 1).join(', '));
    i = j + 1;
  }
  return parts.length ? parts.join(', ') : 'none';
}
