/**
 * Reading a record — the run, comparison and sweep records, and a folder's marker — from its
 * parsed JSON: the current version checked against its schema as it is; an older version checked
 * against its own schema (when it has one) and upgraded step by step to the current one. Reading is
 * data only: it never evaluates or imports anything. A record that does not fit is refused with the
 * paths of what is wrong (RecordFormatError), never half-used. A record nested deeper than
 * `MAX_NESTING` (arrays and objects in one another) is refused before any schema sees it: checking
 * it would run out of stack.
 *
 *   JSON ─► an object of a format this version reads, nested ≤ MAX_NESTING? ─► its version's schema ─► upgrade ─► … ─► current schema ─► record
 *                    └─ otherwise, or not fitting a schema ─► RecordFormatError saying where
 */
import type * as z from 'zod';
import { RecordFormatError } from '../errors.ts';

/** An older version of a format: its schema (none: it goes straight into the next one's) and how it becomes the next version. */
export interface OlderVersion {
  readonly format: string;
  readonly schema?: z.ZodType;
  /** The record (checked by `schema` when given) as the next version's JSON. */
  readonly upgrade: (record: never) => unknown;
}

/** A record format: what it is called in messages, its current version and schema, and the older versions it reads (oldest last). */
export interface RecordFormat<T> {
  /** e.g. `run record`. */
  readonly what: string;
  /** e.g. `penalty-explorer/run@3`. */
  readonly format: string;
  readonly schema: z.ZodType<T, unknown>;
  /** The versions before, newest first, each upgraded to the one before it in this list (the first to the current). */
  readonly older?: readonly OlderVersion[];
}

/** How deep arrays and objects may be nested in a record; a run record's deepest is a user monitor's view spec, some ten levels. */
export const MAX_NESTING = 100;

/**
 * The path of the first place in `json` nested deeper than `most` levels, or undefined when none
 * is; walked without recursion (a hostile file may nest a million levels).
 *
 * @example
 * tooDeep({ a: [[1]] }, 2)   // 'a[0]' (the object, its list, and the list inside: three levels)
 */
function tooDeep(json: unknown, most: number): string | undefined {
  const isNode = (v: unknown): v is object => v !== null && typeof v === 'object';
  // Only arrays and objects are stacked (a record's many numbers are passed over), each with its path.
  const stack: Array<{ value: object; depth: number; path: string }> = isNode(json) ? [{ value: json, depth: 1, path: '' }] : [];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const { value, depth, path } = top;
    if (depth > most) return path || '(the record)';
    if (Array.isArray(value)) value.forEach((v, i) => isNode(v) && stack.push({ value: v, depth: depth + 1, path: `${path}[${i}]` }));
    else for (const [k, v] of Object.entries(value)) if (isNode(v)) stack.push({ value: v, depth: depth + 1, path: path ? `${path}.${k}` : k });
  }
  return undefined;
}

/** The first few problems of a failed parse, as `config.name: expected string, got undefined; …`. */
export function schemaProblems(error: z.ZodError, most = 3): string {
  const path = (p: readonly PropertyKey[]) => p.reduce<string>((s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)), '');
  const shown = error.issues.slice(0, most).map((i) => `${path(i.path) || '(the record)'}: ${i.message.replace(/^Invalid input: /, '')}`);
  const more = error.issues.length - shown.length;
  return shown.join('; ') + (more > 0 ? `; and ${more} more` : '');
}

/** `json` parsed by `schema`, or a RecordFormatError naming the version read (`format`) and where it does not fit. */
function parsed<S extends z.ZodType>(schema: S, json: unknown, format: string): z.output<S> {
  const r = schema.safeParse(json);
  if (!r.success) throw new RecordFormatError(`not a valid ${format} record: ${schemaProblems(r.error)}`);
  return r.data;
}

/** The record in `json` (parsed JSON), upgraded to the format's current version; a RecordFormatError when it is not one. */
export function readRecord<T>(format: RecordFormat<T>, json: unknown): T {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new RecordFormatError(`not a ${format.what} (not a JSON object)`);
  const given = (json as { format?: unknown }).format;
  const older = format.older ?? [];
  const at = older.findIndex((v) => v.format === given);
  if (given !== format.format && at < 0) {
    const others = older.length ? ` (or ${older.map((v) => v.format).join(', ')})` : '';
    throw new RecordFormatError(`not a penalty-explorer ${format.what}: format ${JSON.stringify(given)}, expected ${format.format}${others}`);
  }
  const deep = tooDeep(json, MAX_NESTING);
  if (deep !== undefined) {
    const where = deep.length > 60 ? `${deep.slice(0, 60)}…` : deep;
    throw new RecordFormatError(`not a valid ${String(given)} record: ${where} is nested more than ${MAX_NESTING} levels deep`);
  }
  let record: unknown = json;
  // From the version given up to the current one: each checked by its own schema, then upgraded.
  for (let i = at; i >= 0; i--) {
    const version = older[i] as OlderVersion;
    const checked = version.schema ? parsed(version.schema, record, String(given)) : record;
    record = version.upgrade(checked as never);
  }
  return parsed(format.schema, record, String(given));
}
