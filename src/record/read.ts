/**
 * Reading a run record from its JSON, checked against its schema (run-schema.ts): the current
 * format (`penalty-explorer/run@2`) as is, and `penalty-explorer/run@1` (the MNIST-only
 * trainer's) upgraded first: it had no `loss` (it trained the reference CNN's cross-entropy from
 * the logits) and no `model`. Reading is data only: it never evaluates or imports anything.
 *
 *   JSON ─► an object with a known format? ─► run@1 upgraded ─► schema ─► RunRecord
 *                      └─ otherwise, or not fitting the schema ─► RecordFormatError saying where
 */
import { z } from 'zod';
import { runRecordSchema } from './run-schema.ts';
import { RUN_FORMAT, type RunRecord } from './schema.ts';

const V1 = 'penalty-explorer/run@1';

/** Not a run record of a format this version reads, or one that does not fit its schema. */
export class RecordFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordFormatError';
  }
}

/** The first few problems of a failed parse, as `config.name: expected string, got undefined; …`. */
export function schemaProblems(error: z.ZodError, most = 3): string {
  const path = (p: readonly PropertyKey[]) => p.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '');
  const shown = error.issues.slice(0, most).map((i) => `${path(i.path) || '(the record)'}: ${i.message.replace(/^Invalid input: /, '')}`);
  const more = error.issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

/** The run record in `json` (parsed), upgraded to the current format; throws RecordFormatError otherwise. */
export function readRunRecord(json: unknown): RunRecord {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new RecordFormatError('not a run record (not a JSON object)');
  const r = json as { format?: unknown; config?: unknown };
  if (r.format !== RUN_FORMAT && r.format !== V1) {
    throw new RecordFormatError(`not a penalty-explorer run record: format ${JSON.stringify(r.format)}, expected ${RUN_FORMAT} (or ${V1})`);
  }
  const upgraded = r.format === V1 ? { ...r, format: RUN_FORMAT, config: { loss: 'categoricalCrossentropy', ...(typeof r.config === 'object' ? r.config : {}) } } : json;
  const parsed = runRecordSchema.safeParse(upgraded);
  if (!parsed.success) throw new RecordFormatError(`not a valid ${String(r.format)} record: ${schemaProblems(parsed.error)}`);
  return parsed.data;
}
