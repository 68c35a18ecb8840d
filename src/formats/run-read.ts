/**
 * Reading a run record from its JSON (read.ts), checked against its schema (run-schema.ts): the
 * current format (`penalty-explorer/run@3`) as is, older ones checked against their own schema and
 * upgraded step by step. Reading is data only: it never evaluates or imports anything.
 *
 *   JSON ─► an object with a known format? ─► run@1 ─► run@2 ─► schema ─► run@3 ─► schema ─► RunRecord
 *                      └─ otherwise, or not fitting a schema ─► RecordFormatError saying where
 *
 *   run@1 (the MNIST-only trainer's) ─► run@2: it had no `loss` (it trained the reference CNN's
 *         cross-entropy from the logits) and no `model`
 *   run@2 ─► run@3: `config.weights` rebuilt from the snapshots' weight names, shapes and kinds,
 *         with the penalty and constraint the record named (`penalty` on every kernel, and bias
 *         with `penalizeBias`, or each layer's `layer: spec`; the constraint and its bounds on every
 *         kernel, as run@2 said); moving statistics marked non-trainable; each snapshot's
 *         `penaltyLoss` = Σ of its layers' penalties (run@2 recorded them at the snapshot, as run@3
 *         does). Kept as they were: a run@2 epoch's histograms counted every weight (the
 *         non-trainable too), its penalties missed a recurrent layer's, and a record of TF.js's
 *         `model.fit` had the penalties in `trainLoss` — taken off here with the epoch's penalty
 *         at its end, the nearest the record holds.
 */
import type * as z from 'zod';
import { RecordFormatError } from '../errors.ts';
import { parsePenaltySpec, parseSpec } from '../registry/index.ts';
import { type RecordFormat, readRecord } from './read.ts';
import { type ConstraintInfo, type LayerStats, type PenaltyInfo, RUN_FORMAT, type RunRecord, type WeightInfo } from './run.ts';
import { runRecordSchema, runRecordV2Schema } from './run-schema.ts';

const V1 = 'penalty-explorer/run@1';
const V2 = 'penalty-explorer/run@2';

/** The run record's format: run@3, and run@2 and run@1 upgraded to it. */
const RUN: RecordFormat<RunRecord> = {
  what: 'run record',
  format: RUN_FORMAT,
  schema: runRecordSchema,
  older: [
    { format: V2, schema: runRecordV2Schema, upgrade: (r: V2Record) => fromV2(r) },
    // run@1 had no loss (it trained the reference CNN's cross-entropy from the logits): run@2 with that loss.
    {
      format: V1,
      upgrade: (r: { config?: unknown }) => ({
        ...r,
        format: V2,
        config: { loss: 'categoricalCrossentropy', ...(typeof r.config === 'object' ? r.config : {}) },
      }),
    },
  ],
};

/** The run record in `json` (parsed), upgraded to the current format; throws RecordFormatError otherwise. */
export function readRunRecord(json: unknown): RunRecord {
  return withPerChannelSpecs(readRecord(RUN, json));
}

/** The built-in norm constraints, whose `axis` does nothing with `perchannel=1`. */
const NORM_CONSTRAINTS: ReadonlySet<string> = new Set(['maxnorm', 'unitnorm', 'minmaxnorm']);

/**
 * A built-in norm constraint's spec as it is normalised now: with `perchannel=1`, no `axis` (which it
 * overrides; records written before showed the default, `maxnorm:m=2,axis=0,perchannel=1`). Any other
 * spec as it is.
 *
 * @example
 * perChannelSpec('maxnorm:m=2,axis=0,perchannel=1')   // 'maxnorm:m=2,perchannel=1'
 * perChannelSpec('maxnorm:m=2,axis=0')                // 'maxnorm:m=2,axis=0'
 */
export function perChannelSpec(spec: string): string {
  let parsed: ReturnType<typeof parseSpec>;
  try {
    parsed = parseSpec(spec);
  } catch {
    return spec;
  }
  const { name, positional, params } = parsed;
  if (!NORM_CONSTRAINTS.has(name) || !params.some(([k, v]) => k === 'perchannel' && v === '1') || !params.some(([k]) => k === 'axis')) return spec;
  const items = [...(positional === undefined ? [] : [positional]), ...params.filter(([k]) => k !== 'axis').map(([k, v]) => `${k}=${v}`)];
  return `${name}:${items.join(',')}`;
}

/** The record with its built-in norm constraints' specs as `perChannelSpec` gives them (the same record when none changes). */
function withPerChannelSpecs(r: RunRecord): RunRecord {
  const c = r.config;
  const changes =
    (c.constraint !== undefined && perChannelSpec(c.constraint) !== c.constraint) ||
    c.weights.some((w) => w.constraint && perChannelSpec(w.constraint.spec) !== w.constraint.spec);
  if (!changes) return r;
  const weights = c.weights.map((w) =>
    w.constraint?.source === 'builtin' ? { ...w, constraint: { ...w.constraint, spec: perChannelSpec(w.constraint.spec) } } : w,
  );
  return { ...r, config: { ...c, ...(c.constraint === undefined ? {} : { constraint: perChannelSpec(c.constraint) }), weights } };
}

/**
 * The last epoch a run record (parsed JSON) lists, 0 for none: of the current format, its last
 * entry's `epoch`, the rest of the record not checked against the schema (a few MB of snapshots a
 * caller that needs no more would pay for); of an older one, from the record read in full. A
 * RecordFormatError when it is not a run record with a numbered last epoch.
 *
 * @example
 * lastRecordedEpoch(JSON.parse(readFileSync('runs/l1/checkpoint/run.json', 'utf8')))   // 40
 */
export function lastRecordedEpoch(json: unknown): number {
  const { format, epochs } = (json ?? {}) as { format?: unknown; epochs?: unknown };
  if (format !== RUN_FORMAT) return readRunRecord(json).epochs.at(-1)?.epoch ?? 0;
  if (!Array.isArray(epochs)) throw new RecordFormatError(`not a valid ${RUN_FORMAT} record: epochs is not a list`);
  if (epochs.length === 0) return 0;
  const epoch = (epochs.at(-1) as { epoch?: unknown } | null)?.epoch;
  if (typeof epoch !== 'number') throw new RecordFormatError(`not a valid ${RUN_FORMAT} record: epochs[${epochs.length - 1}].epoch is not a number`);
  return epoch;
}

/** A run@2 record, as its schema reads it. */
type V2Record = z.output<typeof runRecordV2Schema>;
type V2Config = V2Record['config'];
type V2Snapshot = V2Record['initial'];

const isMoving = (name: string) => /moving_(mean|variance)(_\d+)?$/.test(name);

function penaltyInfo(spec: string, formula: string, module: string | undefined): PenaltyInfo {
  let strength: number | null = null;
  try {
    const p = parsePenaltySpec(spec).positional;
    strength = p === undefined ? null : Number(p);
  } catch {
    // A spec this version cannot parse: its strength stays unknown.
  }
  return { spec, strength, formula, source: spec.startsWith('tfjs.') ? 'tfjs' : module ? 'user' : 'builtin' };
}

/** run@2's penalties: one spec (kernels, and biases with penalizeBias) or `layer: spec; …` per layer's kernel. */
function penaltiesOf(c: V2Config): (w: { layer: string; kind: string }) => PenaltyInfo | undefined {
  if (c.penalty === 'none') return () => undefined;
  if (c.penaltyFormula === 'per layer' && c.penalty.includes(': ')) {
    const byLayer = new Map(
      c.penalty.split('; ').map((part) => {
        const at = part.indexOf(': ');
        return [part.slice(0, at), part.slice(at + 2)] as const;
      }),
    );
    return (w) => {
      const spec = byLayer.get(w.layer);
      return w.kind === 'kernel' && spec && spec !== 'none' ? penaltyInfo(spec, spec, c.penaltyModule) : undefined;
    };
  }
  const info = penaltyInfo(c.penalty, c.penaltyFormula, c.penaltyModule);
  return (w) => (w.kind === 'kernel' || (w.kind === 'bias' && c.penalizeBias) ? info : undefined);
}

function fromV2(r: V2Record): RunRecord {
  const { constraintBounds, ...config } = r.config;
  const penalty = penaltiesOf(r.config);
  const constraint: ConstraintInfo | undefined = config.constraint
    ? { spec: config.constraint, source: 'builtin', ...(constraintBounds ? { bounds: constraintBounds } : {}) }
    : undefined;
  const weights: WeightInfo[] = (r.initial.layers ?? []).flatMap((l) =>
    (l.weights ?? []).map((w) => {
      const p = penalty({ layer: l.name, kind: w.kind });
      return {
        name: w.name,
        layer: l.name,
        shape: w.shape,
        kind: w.kind,
        trainable: !isMoving(w.name),
        ...(p ? { penalty: p } : {}),
        ...(constraint && w.kind === 'kernel' ? { constraint } : {}),
      };
    }),
  );
  const modelFit = config.data === 'model.fit';
  const layers = (ls: V2Snapshot['layers']): LayerStats[] =>
    ls.map(({ weights: ws, ...l }) => ({ ...l, ...(ws ? { weights: ws.map((w) => ({ ...w, trainable: !isMoving(w.name) })) } : {}) }));
  const snapshot = <S extends V2Snapshot>(s: S) => ({ ...s, layers: layers(s.layers), penaltyLoss: s.layers.reduce((sum, l) => sum + l.penalty, 0) });
  return {
    ...r,
    format: RUN_FORMAT,
    config: { ...config, weights, trainer: modelFit ? 'model.fit' : 'fit' },
    initial: snapshot(r.initial),
    epochs: r.epochs.map((e) => {
      const s = snapshot(e);
      return modelFit ? { ...s, trainLoss: e.trainLoss - s.penaltyLoss } : s;
    }),
  } as RunRecord;
}
