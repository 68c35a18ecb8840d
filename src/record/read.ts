/**
 * Reading a run record from its JSON: the current format (`penalty-explorer/run@2`) as is, and
 * `penalty-explorer/run@1` (the MNIST-only trainer's) upgraded: it had no `loss` (it trained the
 * reference CNN's cross-entropy from the logits) and no `model`.
 */
import { RUN_FORMAT, type RunRecord } from './schema.ts';

const V1 = 'penalty-explorer/run@1';

/** Not a run record of a format this version reads. */
export class RecordFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordFormatError';
  }
}

/** The run record in `json` (parsed), upgraded to the current format; throws RecordFormatError otherwise. */
export function readRunRecord(json: unknown): RunRecord {
  const r = json as { format?: unknown; config?: Record<string, unknown>; initial?: unknown; epochs?: unknown } | null;
  if (r === null || typeof r !== 'object') throw new RecordFormatError('not a run record (not a JSON object)');
  if (r.format !== RUN_FORMAT && r.format !== V1) {
    throw new RecordFormatError(`not a penalty-explorer run record: format ${JSON.stringify(r.format)}, expected ${RUN_FORMAT} (or ${V1})`);
  }
  if (typeof r.config !== 'object' || r.config === null || typeof r.initial !== 'object' || !Array.isArray(r.epochs)) {
    throw new RecordFormatError(`a ${String(r.format)} record needs config, initial and epochs`);
  }
  if (r.format === RUN_FORMAT) return json as RunRecord;
  return { ...(json as RunRecord), format: RUN_FORMAT, config: { loss: 'categoricalCrossentropy', ...(r.config as object) } as RunRecord['config'] };
}
