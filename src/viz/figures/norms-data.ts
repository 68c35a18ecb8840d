/**
 * Rows for the channel-norm figures, taken from a `RunRecord`: each layer's output-channel norms
 * binned over [0, xMax] as shares of its channels, the limits several such histograms share, the
 * mean/max curves (per epoch, or per batch with `trackNorms: 'batch'`), and the bounds of the
 * norm constraint on each layer's kernel (only where one is). Records written before norms were tracked have no `norms`: they read as empty here.
 */
import {
  type BatchNorms,
  boundAxes,
  boundsNormsExactly,
  type ChannelNorms,
  type ConstraintInfo,
  type EpochRecord,
  type NormBounds,
  normedAxes,
  normsOfRows,
  perChannelWords,
  type RunRecord,
  recordedNormedWeight,
  recordedNormsUnknownWhy,
  snapshots,
  type WeightInfo,
  type WeightsSnapshot,
} from '../../formats/index.ts';
import { spreadEpochs } from './compare-histograms.ts';
import { NON_TRAINABLE } from './data.ts';
import { maxOf, minOf } from './extent.ts';
import { indexFacet } from './facets.ts';
import { shortPercent } from './format.ts';
import { niceMax } from './histogram-scale.ts';
import { defaultEpoch } from './selection.ts';

/** Bins of the channel-norm histograms over [0, xMax]. */
export const NORM_BINS = 40;

/** The snapshot's channel norms; none for records from before they were tracked. */
export function snapshotNorms(s: WeightsSnapshot): readonly ChannelNorms[] {
  return (s as Partial<WeightsSnapshot>).norms ?? [];
}

/** The epoch's per-batch norms; none unless the run used `trackNorms: 'batch'`. */
export function epochBatchNorms(e: EpochRecord): readonly BatchNorms[] {
  return e.batchNorms ?? [];
}

/** Whether the run recorded any channel norms (old records did not). */
export function hasNorms(run: RunRecord): boolean {
  return snapshots(run).some((s) => snapshotNorms(s).some((n) => n.norms.length > 0));
}

/** The layers with channel norms, in model order, over all runs. */
export function normLayers(runs: readonly RunRecord[]): string[] {
  const names = new Set<string>();
  for (const run of runs) for (const s of snapshots(run)) for (const n of snapshotNorms(s)) names.add(n.layer);
  return [...names];
}

/**
 * A layer's column/panel label with its channel count: `conv2d_2 · 64 ch`, an Embedding's rows
 * `emb · 20 rows`; a frozen layer's (its kernel not trainable in the runs' configs) says so as the
 * histograms do: `dense_1 (non-trainable) · 16 ch`.
 */
export function normLayerLabel(runs: readonly RunRecord[], layer: string): string {
  const frozen = runs.some((run) => normedWeight(run, layer)?.trainable === false);
  const name = frozen ? `${layer}${NON_TRAINABLE}` : layer;
  const unit = rowNormLayers(runs).includes(layer) ? 'rows' : 'ch';
  for (const run of runs) {
    for (const s of snapshots(run)) {
      const n = snapshotNorms(s).find((l) => l.layer === layer);
      if (n) return `${name} · ${n.norms.length} ${unit}`;
    }
  }
  return name;
}

/** The layers whose norms are of their rows (an Embedding's: formats' `normsOfRows`), in model order, over the runs. */
export function rowNormLayers(runs: readonly RunRecord[]): string[] {
  return normLayers(runs).filter((layer) => runs.some((run) => normsOfRows(normedWeight(run, layer)?.name ?? '')));
}

/**
 * What the norms of the layers in `rowNormLayers` are, for the figures' and report's words: ` (emb: of
 * each embedding row, one per token)`; '' when there are none.
 */
export function rowNormsNote(runs: readonly RunRecord[]): string {
  const rows = rowNormLayers(runs);
  return rows.length ? ` (${rows.join(', ')}: of each embedding row, one per token)` : '';
}

/** The bounds as drawn: `min=0.5`, `max=2` (a rule each; min = 0 is the axis itself and is left out). */
export function boundRules(bounds: NormBounds | undefined): Array<{ bound: number; label: string }> {
  if (!bounds) return [];
  const rules: Array<{ bound: number; label: string }> = [];
  if (bounds.min !== undefined && bounds.min > 0 && bounds.min !== bounds.max) rules.push({ bound: bounds.min, label: `min=${bounds.min}` });
  if (bounds.max !== undefined) rules.push({ bound: bounds.max, label: bounds.min === bounds.max ? `norm=${bounds.max}` : `max=${bounds.max}` });
  return rules;
}

/**
 * `min=…, max=…, axis=…` of a constraint's bounds, the axes as a spec writes them; `perchannel=1`'s norms
 * (over every axis but the last) as `perChannel` words them, what the last axis is on the weights it
 * is on (formats' `perChannelWords`: `per unit`, `per input channel` of a transposed convolution).
 *
 * @example
 * boundsText({ max: 2, axis: [0, 1, 2] })                               // 'max=2, axis=0+1+2'
 * boundsText({ max: 2, axis: 0, perChannel: true }, 'per output channel') // 'max=2, per output channel'
 */
export function boundsText(bounds: NormBounds, perChannel = 'per index of the last axis'): string {
  const over = bounds.perChannel ? perChannel : `axis=${[bounds.axis].flat().join('+')}`;
  return [bounds.min === undefined ? '' : `min=${bounds.min}`, bounds.max === undefined ? '' : `max=${bounds.max}`, over].filter(Boolean).join(', ');
}

/** The weight whose channel norms a layer's panel shows, as `run` says (formats' `recordedNormedWeight`); none where it cannot tell. */
function normedWeight(run: RunRecord, layer: string): WeightInfo | undefined {
  return recordedNormedWeight(run.config.weights ?? [], layer, recordedChannels(run, layer));
}

/** How many channel norms `run` recorded for `layer` (its first snapshot with them); none without. */
function recordedChannels(run: RunRecord, layer: string): number | undefined {
  // Snapshot by snapshot, stopping at the first: a panel asks it for every snapshot, and a record of
  // 50 layers × 200 epochs took ~25 s of CPU for its report when each call gathered every snapshot's norms first.
  for (const s of snapshots(run)) {
    const n = snapshotNorms(s).find((l) => l.layer === layer);
    if (n) return n.norms.length;
  }
  return undefined;
}

/** A layer's norm constraint as its panel takes it: its bounds, and whether they bound the norms shown. */
interface PanelConstraint {
  readonly bounds: NormBounds;
  /** The constraint takes its norms over the axes the panel's norms are over (formats' `boundsNormsExactly`). */
  readonly exact: boolean;
  /** The axes its norms are over and those of the norms shown, as a spec writes them: `1`, `0+1+2`; the latter undefined where the record cannot tell (`unknownAxesLines`). */
  readonly axes: string;
  readonly shown: string | undefined;
}

/**
 * The norm constraint on the kernel whose channel norms `layer`'s panel shows; none when it has none,
 * and none for a kernel that is not trainable: a constraint acts as the optimiser updates a weight
 * (TF.js's, as Keras's), and a frozen one is never updated, so its norms keep their initial values
 * whatever the bound (e.g. a frozen Dense's norms of 1.2–1.5 under `maxnorm:m=0.1`: no rule at 0.1).
 */
function panelConstraint(run: RunRecord, layer: string): PanelConstraint | undefined {
  const weight = normedWeight(run, layer);
  const bounds = weight?.trainable === false ? undefined : weight?.constraint?.bounds;
  if (!weight || !bounds) return undefined;
  const channels = recordedChannels(run, layer);
  return {
    bounds,
    exact: boundsNormsExactly(bounds, weight, channels),
    axes: boundAxes(bounds, weight.shape.length).join('+'),
    shown: normedAxes(weight, channels)?.join('+'),
  };
}

/**
 * The bounds of `layer`'s norm constraint (see `panelConstraint`) when they bound the norms its panel
 * shows — a Dense's with `axis=0`, a Conv2D's with `axis=0+1+2`, an Embedding's with `axis=1` —
 * else none: a bound on other slices (a Dense's rows, `axis=1`) says nothing of these norms, and a
 * rule at 0.4 beside norms of 1.4 would mislead (`otherSlicesLines` says so instead).
 */
export function layerBounds(run: RunRecord, layer: string): NormBounds | undefined {
  const c = panelConstraint(run, layer);
  return c?.exact ? c.bounds : undefined;
}

/**
 * The subtitle line naming the panels with a norm constraint on other slices than the norms shown,
 * which therefore have no rule: `no red rule for dense_1 (its constraint bounds the norms over
 * axis=1, the norms shown are over axis=0)`, led by a run's label when the runs differ; none when
 * there are none.
 */
export function otherSlicesLines(runs: readonly RunRecord[], labels: readonly string[]): string[] {
  const line = layerNotes(runs, labels, (run, layer) => {
    const c = panelConstraint(run, layer);
    if (!c || c.exact) return undefined;
    const shown = c.shown === undefined ? 'the axes of the norms shown are unknown' : `the norms shown are over axis=${c.shown}`;
    return `its constraint bounds the norms over axis=${c.axes}, ${shown}`;
  });
  return line ? [`no red rule for ${line}`] : [];
}

/**
 * `layer (note)` for each norm layer of each run that `note` has one for, joined: once when the runs
 * that have any say the same, else each run's led by its label (`l1: dense (…); l2: conv (…)`);
 * undefined when none has.
 */
function layerNotes(runs: readonly RunRecord[], labels: readonly string[], note: (run: RunRecord, layer: string) => string | undefined): string | undefined {
  const texts = runs.map((run) =>
    normLayers([run])
      .flatMap((layer) => {
        const text = note(run, layer);
        return text ? [`${layer} (${text})`] : [];
      })
      .join(', '),
  );
  const distinct = [...new Set(texts.filter(Boolean))];
  const lines = distinct.length <= 1 ? distinct : runs.flatMap((_, i) => (texts[i] ? [`${labels[i] ?? ''}: ${texts[i]}`] : []));
  return lines.length ? lines.join('; ') : undefined;
}

/**
 * The subtitle line naming the layers whose norms' axes `runs`' records cannot tell, and why (formats'
 * `recordedNormsUnknownWhy`, in a record written before it stated `normedAxes`: a kernel of out = in,
 * or a separable convolution whose depthwise multiplier equals its filters, so that the norms may be
 * of either kernel): `axes unknown for up (a record written before … has out = in)`; their norms are
 * drawn as recorded, but no bound is drawn beside them and nothing names which channels they are.
 * None when every layer's axes are known.
 */
export function unknownAxesLines(runs: readonly RunRecord[], labels: readonly string[]): string[] {
  const line = layerNotes(runs, labels, (run, layer) => recordedNormsUnknownWhy(run.config.weights ?? [], layer, recordedChannels(run, layer)));
  return line ? [`channel norms' axes unknown for ${line}`] : [];
}

/**
 * A constraint in words: its spec, a norm constraint's bounds, e.g. `maxnorm:m=2 (max=2, axis=0)`;
 * `perchannel=1`'s by what the last axis is on the weights `on` it (of `run`): `(max=2, per unit)`, or
 * where they differ each with its layers, `(max=2, per output channel of conv; per input channel of up)`.
 */
function constraintWords(c: ConstraintInfo, on: readonly WeightInfo[], run: RunRecord): string {
  if (!c.bounds) return c.spec;
  const words = on.map((w) => perChannelWords(w, recordedChannels(run, w.layer)));
  const distinct = [...new Set(words)];
  const layersOf = (word: string) => [...new Set(on.filter((_, i) => words[i] === word).map((w) => w.layer))].join(', ');
  const perChannel = distinct.length <= 1 ? distinct[0] : distinct.map((word) => `${word} of ${layersOf(word)}`).join('; ');
  return `${c.spec} (${boundsText(c.bounds, perChannel)})`;
}

/**
 * A run's constraints in words, each with the layers whose kernels (or weights) it covers when it
 * does not cover them all, and those of them frozen (not trainable: a constraint acts only as the
 * optimiser updates a weight): `maxnorm:m=2 (max=2, axis=0) on conv2d_1`, `… on every kernel
 * (dense_1 frozen: it never acts there)`; undefined without one. `bounded`: only norm constraints (the
 * ones with bounds).
 */
export function constraintText(run: RunRecord, which: 'any' | 'bounded' = 'any'): string | undefined {
  const weights = run.config.weights ?? [];
  const constrained = weights.filter((w) => w.constraint && (which === 'any' || w.constraint.bounds));
  if (!constrained.length) return undefined;
  const kernels = weights.filter((w) => w.kind === 'kernel');
  const specs = [...new Set(constrained.map((w) => w.constraint!.spec))];
  return specs
    .map((spec) => {
      const on = constrained.filter((w) => w.constraint!.spec === spec);
      const every = kernels.length > 1 && kernels.every((k) => on.includes(k)) && on.every((w) => w.kind === 'kernel');
      const names = (ws: typeof on) => [...new Set(ws.map((w) => (w.kind === 'kernel' ? w.layer : w.name)))].join(', ');
      const where = every ? 'on every kernel' : `on ${names(on)}`;
      const frozen = on.filter((w) => w.trainable === false);
      return `${constraintWords(on[0]!.constraint!, on, run)} ${where}${frozen.length ? ` (${names(frozen)} frozen: it never acts there)` : ''}`;
    })
    .join('; ');
}

/**
 * The constraints of the runs, one line each: a single line when every run that has one has the
 * same, else one per run, led by its label. `bounded`: only norm constraints (the ones with bounds).
 */
export function constraintLines(runs: readonly RunRecord[], labels: readonly string[], which: 'any' | 'bounded'): string[] {
  const texts = runs.map((r) => constraintText(r, which));
  const distinct = [...new Set(texts.filter((t): t is string => t !== undefined))];
  return distinct.length <= 1 ? distinct : runs.flatMap((_, i) => (texts[i] ? [`${labels[i] ?? ''}: ${texts[i]}`] : []));
}

/**
 * The subtitle lines about the red rules of the runs' norm constraints (and the panels without,
 * `otherSlicesLines`), none when no run has one; then the layers whose norms' axes are unknown
 * (`unknownAxesLines`), with a constraint or without.
 */
export function boundsSubtitle(runs: readonly RunRecord[], labels: readonly string[]): string[] {
  const lines = constraintLines(runs, labels, 'bounded');
  const rules = lines.length
    ? [`red rules: norm constraint bounds, in the panels whose norms they bound — ${lines.join('; ')}`, ...otherSlicesLines(runs, labels)]
    : [];
  return [...rules, ...unknownAxesLines(runs, labels)];
}

/** One bar of a channel-norm histogram: the bin [x0, x1) and the share of the layer's channels in it. */
export interface NormBinRow {
  readonly bin: number;
  readonly x0: number;
  readonly x1: number;
  readonly share: number;
}

/**
 * `norms` binned over [0, xMax] in right-closed bins (x0, x1] (0 in the first), so norms held at a
 * constraint's bound sit just left of its rule; `above`: how many exceed xMax.
 */
export function normBins(norms: readonly number[], xMax: number, bins = NORM_BINS): { rows: NormBinRow[]; above: number } {
  const width = xMax / bins;
  const counts = new Array<number>(bins).fill(0);
  let above = 0;
  for (const n of norms) {
    if (!(n <= xMax * (1 + 1e-12))) {
      above++;
      continue;
    }
    const i = Math.min(bins - 1, Math.max(0, Math.ceil(n / width - 1e-9) - 1));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  const total = Math.max(1, norms.length);
  return { rows: counts.map((c, bin) => ({ bin, x0: bin * width, x1: (bin + 1) * width, share: c / total })), above };
}

/** The note of a histogram cell: `projected 12.5%` (with a constraint) and `3 > 2.5` (norms beyond xMax); '' when neither. */
export function normCellNote(projected: number | undefined, above: number, xMax: number): string {
  return [projected === undefined ? '' : `projected ${shortPercent(projected)}`, above ? `${above} > ${xMax}` : ''].filter(Boolean).join(' · ');
}

/** 3 to 6 intervals of a round step (1, 2, 2.5, 5 × 10^k) from 0 to xMax, when there are such; else 4. */
export function normTicks(xMax: number): number[] {
  const round = (step: number) => {
    const m = step / 10 ** Math.floor(Math.log10(step));
    return [1, 2, 2.5, 5, 10].some((r) => Math.abs(m - r) < 1e-9);
  };
  const parts = [4, 5, 3, 6].find((k) => round(xMax / k)) ?? 4;
  return Array.from({ length: parts + 1 }, (_, i) => Number(((xMax * i) / parts).toPrecision(10)));
}

/** The limits channel-norm histograms share: x over [0, xMax], y (share of channels) over [0, yMax]. */
export interface NormLimits {
  readonly xMax: number;
  readonly yMax: number;
}

/** Fixed limits of the channel-norm histograms (so figures of different runs compare), and their bins. */
export interface NormLimitOptions {
  /** A fixed right end of the norm axis (so figures of different runs compare); default from the data. */
  readonly xMax?: number;
  /** A fixed top of the share axis; default from the data. */
  readonly yMax?: number;
  /** Bins over [0, xMax]; default NORM_BINS. */
  readonly bins?: number;
}

/**
 * Limits for the histograms of `epochs` (default all) of `runs`: xMax a round number above every
 * norm and constraint bound, yMax a round number above the largest share of any bin.
 */
export function normsLimits(runs: readonly RunRecord[], options: NormLimitOptions & { epochs?: readonly number[] } = {}): NormLimits {
  const shown = runs.flatMap((run) =>
    snapshots(run)
      .filter((s) => !options.epochs || options.epochs.includes(s.epoch))
      .map((s) => snapshotNorms(s)),
  );
  const norms = shown.flatMap((ls) => ls.map((l) => l.norms));
  const bounds = runs.flatMap((run) => normLayers([run]).flatMap((layer) => boundRules(layerBounds(run, layer)).map((r) => r.bound * 1.05)));
  const xMax = options.xMax ?? niceMax(maxOf([...norms.flatMap((ns) => ns.filter(Number.isFinite)), ...bounds], 0));
  const shares = norms.flatMap((ns) => normBins(ns, xMax, options.bins).rows.map((r) => r.share));
  // 10% headroom above the tallest bar, for the cells' notes.
  return { xMax, yMax: options.yMax ?? Math.min(1, niceMax(1.1 * maxOf(shares, 0))) };
}

/** The epochs a norms grid shows: all when few, else `most` spread over 0..last (first and last kept). */
export function normEpochs(runs: readonly RunRecord[], most: number): number[] {
  return spreadEpochs(defaultEpoch(runs), most);
}

/** One point of a mean/max curve: `epoch` is fractional for per-batch norms (epoch − 1 + batch/batches). */
export interface NormCurvePoint {
  readonly layer: string;
  readonly epoch: number;
  readonly mean: number;
  readonly max: number;
  /** `epoch`: an end-of-epoch snapshot (and epoch 0); `batch`: after one batch. */
  readonly at: 'epoch' | 'batch';
}

/**
 * The mean and max channel norm of every layer over training: one point per snapshot, plus one per
 * recorded batch (batch b of B in epoch e at e − 1 + b/B; batches counted from 1, or from 0), at
 * most `perEpoch` of them evenly spread per epoch (469 batches an epoch would only bloat figures
 * and the report).
 */
export function normCurve(run: RunRecord, perEpoch = 50): NormCurvePoint[] {
  const points: NormCurvePoint[] = snapshotNorms(run.initial).map((n) => ({ layer: n.layer, epoch: 0, mean: n.mean, max: n.max, at: 'epoch' }));
  for (const e of run.epochs) {
    const batches = epochBatchNorms(e);
    if (batches.length) {
      const first = minOf(batches.map((b) => b.batch));
      const offset = first === 0 ? 1 : 0;
      const count = maxOf(batches.map((b) => b.batch)) + offset;
      const step = batches.length / Math.max(1, perEpoch);
      const kept =
        batches.length <= perEpoch
          ? batches
          : Array.from({ length: perEpoch }, (_, k) => batches[Math.round((k + 1) * step) - 1]).filter((b) => b !== undefined);
      for (const b of kept) {
        const x = e.epoch - 1 + (b.batch + offset) / count;
        for (const l of b.layers) points.push({ layer: l.layer, epoch: x, mean: l.mean, max: l.max, at: 'batch' });
      }
    }
    for (const n of snapshotNorms(e)) points.push({ layer: n.layer, epoch: e.epoch, mean: n.mean, max: n.max, at: 'epoch' });
  }
  return points;
}

/** Whether any run recorded a constraint's projections. */
export function hasProjections(runs: readonly RunRecord[]): boolean {
  return runs.some((run) => run.epochs.some((e) => snapshotNorms(e).some((n) => n.projected !== undefined)));
}

/**
 * The facet of per-layer panels: one row of columns up to five layers (headers in one shared row),
 * else wrapped in rows of three.
 */
export function layerFacet(labels: readonly string[]): { facet: object; columns?: number } {
  const field = indexFacet('panel', labels, { labelFontWeight: 'bold' });
  return labels.length <= 5 ? { facet: { column: field } } : { facet: field, columns: 3 };
}
