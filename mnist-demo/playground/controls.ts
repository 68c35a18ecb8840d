/**
 * The page's controls: one list of them, read from the form into a run's settings and written to and
 * read from the URL, so a link reproduces a run (`?penalty=l1:1e-4&epochs=1&train=512&backend=wasm&autostart=1`).
 *
 *   URL parameter   control(s)                         example
 *   model           model                              cnn | mlp
 *   penalty         penalty, strength, parameters, prox  l1:1e-4 · deadzone:1e-4,a=0.3 · l1:1e-4,prox · l1,prox · mine:1e-3
 *   code            the code box (penalty mine)        tf.log1p(tf.div(abs(w), 0.05))
 *   constraint      constraint, its parameters         maxnorm:m=2
 *   optimizer, lr   optimiser, learning rate           adam, 0.001
 *   epochs, train, test, batch, seed, backend, every   (one control each)
 *   autostart       start at once (not a link's code:  1
 *                   that waits for Start)
 */
import { SpecError } from 'penalty-explorer/errors';
import { PROX_FLAG, parsePenaltySpec } from 'penalty-explorer/spec';
import type { RunSettings } from './protocol.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const input = (id: string) => $<HTMLInputElement>(id);
const select = (id: string) => $<HTMLSelectElement>(id);

/** The controls one number each: URL parameter = element id. */
const NUMBERS = ['epochs', 'train', 'test', 'batch', 'seed', 'every'] as const;
/** The controls one choice or text each. */
const PLAIN = ['model', 'backend', 'lr'] as const;

/** `name:a,b,c` as its name and items (`prox`, `k=v`, a positional value). */
function splitSpec(text: string): { name: string; items: string[] } {
  const at = text.indexOf(':');
  const name = (at < 0 ? text : text.slice(0, at)).trim();
  const items =
    at < 0
      ? []
      : text
          .slice(at + 1)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  return { name, items };
}

/** A spec from its name and items, `name` alone when there are none. */
const joinSpec = (name: string, items: readonly string[]) => (items.length ? `${name}:${items.join(',')}` : name);

/** The penalty spec the controls make: `l1:1e-4,a=0.3,prox`; `l1,prox` with no strength (the penalty's default). */
export function penaltySpec(): string {
  const name = select('penalty').value;
  if (name === 'none') return 'none';
  const strength = input('strength').value.trim();
  const params = input('params').value.trim();
  return [strength ? `${name}:${strength}` : name, ...(params ? [params] : []), ...(input('prox').checked ? [PROX_FLAG] : [])].join(',');
}

/**
 * Sets the penalty controls from a spec as `parsePenaltySpec` reads it (`l1,prox`, `deadzone,a=0.3`,
 * `l1:1e-4,prox,a=1`); the SpecError of one it cannot read, the controls left as they were.
 */
function setPenalty(spec: string): void {
  const { name, positional, params, prox } = parsePenaltySpec(spec);
  setChoice(select('penalty'), name);
  // No strength in the link: the penalty's own default (l1l2's is 1), as `penx train --penalty l1l2` takes it.
  input('strength').value = positional ?? '';
  input('params').value = params.map(([k, v]) => `${k}=${v}`).join(',');
  input('prox').checked = prox;
}

function constraintSpec(): string {
  const name = select('constraint').value;
  const params = input('cparams').value.trim();
  return name ? joinSpec(name, params ? [params] : []) : '';
}

function setConstraint(spec: string): void {
  const { name, items } = splitSpec(spec);
  setChoice(select('constraint'), name);
  input('cparams').value = items.join(',');
}

/** Selects `value`, adding it as an option when the list lacks it (the worker then says what is wrong). */
function setChoice(el: HTMLSelectElement, value: string): void {
  if (![...el.options].some((o) => o.value === value)) el.add(new Option(value, value));
  el.value = value;
}

/** The settings of a run from the controls (numbers checked by the form's bounds). */
export function readSettings(name: string): RunSettings {
  const n = (id: string) => {
    const el = input(id);
    const v = Number(el.value);
    // An emptied control is valid to the form (none is required) and Number('') is 0: refused here.
    if (!el.checkValidity() || !el.value.trim() || !Number.isFinite(v))
      throw new Error(`${el.closest('label')?.textContent?.trim() ?? id}: ${el.validationMessage || 'give a number'}`);
    return v;
  };
  const lr = Number(input('lr').value);
  if (!(lr > 0)) throw new Error(`learning rate: give a number above 0, got ${JSON.stringify(input('lr').value)}`);
  return {
    model: select('model').value as RunSettings['model'],
    penalty: penaltySpec(),
    code: $<HTMLTextAreaElement>('code').value,
    constraint: constraintSpec(),
    optimizer: `${select('optimizer').value}:lr=${lr}`,
    epochs: n('epochs'),
    train: n('train'),
    test: n('test'),
    batch: n('batch'),
    seed: n('seed'),
    backend: select('backend').value as RunSettings['backend'],
    every: n('every'),
    name,
  };
}

/** The URL parameters of the controls as they are now. */
export function urlOf(): URLSearchParams {
  const q = new URLSearchParams();
  q.set('model', select('model').value);
  q.set('penalty', penaltySpec());
  if (select('penalty').value === 'mine') q.set('code', $<HTMLTextAreaElement>('code').value);
  const c = constraintSpec();
  if (c) q.set('constraint', c);
  q.set('optimizer', select('optimizer').value);
  for (const id of PLAIN) if (id !== 'model') q.set(id, input(id).value);
  for (const id of NUMBERS) q.set(id, input(id).value);
  return q;
}

/** Every URL parameter the page reads. */
const PARAMS = new Set<string>([...PLAIN, ...NUMBERS, 'code', 'penalty', 'constraint', 'optimizer', 'autostart']);

/** What a link asks for: whether to start at once, and what in it the controls cannot hold (nothing starts then). */
export interface UrlRequest {
  readonly autostart: boolean;
  /** The link's code is the penalty trained: code from a link runs only once the user pressed Start. */
  readonly runsCode: boolean;
  /** One sentence per bad parameter: what was wrong, what would be right. */
  readonly problems: readonly string[];
}

/**
 * Sets the controls from URL parameters and says what of them could not be set, rather than let a
 * control keep its own value in silence: `?model=foo` (not cnn or mlp), `?seed=abc` (a number
 * control that refuses it), `?optimizer=momentum:lr=0.1,m=0.9` (only lr has a
 * control: `?optimizer=momentum&lr=0.1` trains with m at its default, 0.9),
 * `?penalty=l1:1e-4,5` (one strength), `?epoch=1` (no such parameter), `?autostart=yes`.
 */
export function applyUrl(q: URLSearchParams): UrlRequest {
  const problems: string[] = [];
  for (const key of new Set(q.keys())) if (!PARAMS.has(key)) problems.push(`unknown parameter '${key}'; the parameters are ${[...PARAMS].join(', ')}`);
  for (const id of [...PLAIN, ...NUMBERS]) {
    const v = q.get(id);
    if (v === null) continue;
    const el = $<HTMLInputElement | HTMLSelectElement>(id);
    if (el instanceof HTMLSelectElement) {
      const values = [...el.options].map((o) => o.value);
      if (values.includes(v)) el.value = v;
      else problems.push(`${id}: '${v}' is not one of ${values.join(', ')}`);
    } else {
      el.value = v;
      // A number control empties itself on text it cannot hold.
      if (el.value !== v) problems.push(`${id}: give a number, got '${v}'`);
    }
  }
  const code = q.get('code');
  if (code !== null) $<HTMLTextAreaElement>('code').value = code;
  const penalty = q.get('penalty');
  if (penalty !== null) {
    try {
      setPenalty(penalty);
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      problems.push(`penalty: ${error.message}`);
    }
  }
  const constraint = q.get('constraint');
  if (constraint !== null) setConstraint(constraint);
  const optimizer = q.get('optimizer');
  if (optimizer !== null) {
    const { name, items } = splitSpec(optimizer);
    setChoice(select('optimizer'), name);
    const lr = items.find((i) => i.startsWith('lr='))?.slice(3);
    const asked = q.get('lr');
    if (lr !== undefined && asked !== null && Number(lr) !== Number(asked))
      problems.push(`optimizer: lr=${lr} there and lr=${asked} as its own parameter; give one learning rate`);
    if (lr !== undefined) input('lr').value = lr;
    const other = items.filter((i) => !i.startsWith('lr='));
    if (other.length)
      problems.push(
        `optimizer: the page sets only its learning rate (lr=…), not ${other.join(', ')}; leave ${other.length > 1 ? 'them' : 'it'} out (${name} then takes its defaults), ` +
          `or train with penx train --optimizer ${optimizer}, which takes every parameter`,
      );
  }
  const autostart = q.get('autostart');
  if (autostart !== null && autostart !== '1' && autostart !== '0') problems.push(`autostart: give 1 (or 0), got '${autostart}'`);
  return { autostart: autostart === '1', runsCode: code !== null && select('penalty').value === 'mine', problems };
}
