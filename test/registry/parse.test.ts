import { describe, expect, it } from 'vitest';
import {
  checkSpec,
  formatNumber,
  formatPenaltySpec,
  formatSpec,
  isModuleRef,
  parsePenaltySpec,
  parseSpec,
  penaltyCatalog,
  SpecError,
  splitSpecList,
} from '../../src/index.ts';
import { formatFloat32 } from '../../src/registry/index.ts';

describe('parseSpec', () => {
  it('reads name, strength and parameters', () => {
    expect(parseSpec('deadzone:1e-4,a=0.25')).toEqual({ text: 'deadzone:1e-4,a=0.25', name: 'deadzone', positional: '1e-4', params: [['a', '0.25']] });
    expect(parseSpec('none')).toMatchObject({ name: 'none', positional: undefined, params: [] });
    expect(parseSpec('deadzone,a=0.3')).toMatchObject({ name: 'deadzone', positional: undefined, params: [['a', '0.3']] });
  });
  it('takes key=value right after the colon (constraints)', () => {
    expect(parseSpec('minmaxnorm:min=0,max=5,rate=0.1').params).toEqual([
      ['min', '0'],
      ['max', '5'],
      ['rate', '0.1'],
    ]);
  });
  it('reads module paths, splitting at the last colon', () => {
    const p = parseSpec('./my-penalty.ts:1e-4,k=2');
    expect(p).toMatchObject({ name: './my-penalty.ts', positional: '1e-4', params: [['k', '2']] });
    expect(isModuleRef(p.name)).toBe(true);
    expect(isModuleRef('l1')).toBe(false);
    expect(isModuleRef('lib/pen.mjs')).toBe(true);
  });
  it.each(['', ':1e-4', 'l1:1e-4,a', 'l1:1e-4,=3', 'deadzone:1e-4,a=1,a=2'])('rejects %j', (text) => {
    expect(() => parseSpec(text)).toThrow(SpecError);
  });
});

describe('parsePenaltySpec: a penalty spec with its prox item', () => {
  it('reads prox wherever it stands after the name, spaced or not; a parameter named prox=… is a parameter', () => {
    const l1 = { name: 'l1', positional: '1e-4', params: [], prox: true };
    expect(parsePenaltySpec('l1:1e-4,prox')).toEqual({ text: 'l1:1e-4,prox', ...l1 });
    expect(parsePenaltySpec(' l1:1e-4 , prox ')).toMatchObject(l1);
    expect(parsePenaltySpec('deadzone:1e-4,prox,a=0.3')).toMatchObject({ name: 'deadzone', positional: '1e-4', params: [['a', '0.3']], prox: true });
    expect(parsePenaltySpec('l1,prox')).toMatchObject({ name: 'l1', positional: undefined, params: [], prox: true });
    expect(parsePenaltySpec('./mine.ts:1e-4,prox=1')).toMatchObject({ name: './mine.ts', params: [['prox', '1']], prox: false });
    expect(parsePenaltySpec('deadzone:1e-4,a=0.3')).toMatchObject({ params: [['a', '0.3']], prox: false });
  });
  it('refuses prox given twice, and a bare item that is not prox', () => {
    expect(() => parsePenaltySpec('l1:1e-4,prox,prox')).toThrow("spec 'l1:1e-4,prox,prox': 'prox' is given twice");
    expect(() => parsePenaltySpec('l1:1e-4,proximal')).toThrow("'proximal' is not key=value");
    // parseSpec, for other kinds, has no flags.
    expect(() => parseSpec('maxnorm:m=2,prox')).toThrow("'prox' is not key=value");
  });
  it('refuses prox where the strength goes (l1:prox), giving the spec as it reads', () => {
    expect(() => parsePenaltySpec('l1:prox')).toThrow("spec 'l1:prox': 'prox' is not a strength but an item after a comma: write l1,prox");
    expect(() => parsePenaltySpec('deadzone:prox, a=0.3')).toThrow(
      "spec 'deadzone:prox, a=0.3': 'prox' is not a strength but an item after a comma: write deadzone,a=0.3,prox",
    );
  });
  it('is what the library reads a spec with: prox not last gives the proximal step', async () => {
    const { penalty } = await import('../../src/index.ts');
    expect(penalty('deadzone:1e-4,prox,a=0.3').spec).toBe('deadzone:1e-4,a=0.3,prox');
    expect(checkSpec('penalty', 'deadzone:1e-4,prox,a=0.3')).toBe('deadzone:1e-4,a=0.3,prox');
  });
});

describe('formatPenaltySpec, the inverse of parsePenaltySpec', () => {
  /** Every form of a catalogue entry's spec: with and without a strength (one that takes it) and parameters, in proximal mode (one that has it) and not. */
  const forms = (e: ReturnType<typeof penaltyCatalog.list>[number]) => {
    const params = Object.entries(e.params).map(([k, def]) => [k, formatNumber(def.default)] as const);
    return [undefined, ...(e.takesStrength ? ['3e-3'] : [])].flatMap((positional) =>
      [[], params].flatMap((ps) => [false, ...(e.proximal ? [true] : [])].map((prox) => ({ name: e.name, positional, params: ps, prox }))),
    );
  };
  it('gives back the parts of every catalogue entry’s spec, a text the catalogue reads', () => {
    const entries = penaltyCatalog.list();
    expect(entries.map((e) => e.name)).toEqual(expect.arrayContaining(['none', 'l1', 'l1l2', 'lp', 'deadzone']));
    for (const x of [...entries.flatMap(forms), { name: './mine.ts', positional: '1e-4', params: [['k', '2']] as const, prox: true }]) {
      const text = formatPenaltySpec(x);
      const { text: read, ...parts } = parsePenaltySpec(text);
      expect(parts, text).toEqual(x);
      expect(read).toBe(text);
      if (!isModuleRef(x.name)) expect(() => checkSpec('penalty', text), text).not.toThrow();
    }
  });
  it('writes the strength after a colon, parameters and prox after commas', () => {
    expect(formatPenaltySpec({ name: 'deadzone', positional: '1e-3', params: [['a', '0.3']], prox: false })).toBe('deadzone:1e-3,a=0.3');
    expect(formatPenaltySpec({ name: 'deadzone', positional: undefined, params: [['a', '0.3']], prox: true })).toBe('deadzone,a=0.3,prox');
    expect(formatPenaltySpec({ name: 'none', positional: undefined, params: [], prox: false })).toBe('none');
  });
});

describe('splitSpecList', () => {
  it('keeps key=value pieces with the spec before them', () => {
    expect(splitSpecList('none,l1:1e-4,deadzone:1e-4,a=0.3,lp:1e-4,p=3')).toEqual(['none', 'l1:1e-4', 'deadzone:1e-4,a=0.3', 'lp:1e-4,p=3']);
    expect(splitSpecList('minmaxnorm:min=0,max=5,nonneg')).toEqual(['minmaxnorm:min=0,max=5', 'nonneg']);
  });
  it('joins pieces already split at every comma as it splits the text', () => {
    for (const text of ['none,l1:1e-4,prox,deadzone:1e-4, a=0.3', 'minmaxnorm:min=0,max=5,nonneg', ' l1:1e-4 ,,', '']) {
      expect(splitSpecList(text.split(',')), text).toEqual(splitSpecList(text));
    }
    expect(splitSpecList(['l1:1e-4', 'prox', 'deadzone:1e-4', ' a=0.3'])).toEqual(['l1:1e-4,prox', 'deadzone:1e-4, a=0.3']);
  });
});

describe('formatting', () => {
  it('prints numbers as decimals from 1e-3 up to 1e6, in the exponent form outside when shorter (the text names run folders: it may not change)', () => {
    expect([1e-4, 0.25, 3, 2.5e-7, 1000, 0, 1e-3].map(formatNumber)).toEqual(['1e-4', '0.25', '3', '2.5e-7', '1000', '0', '0.001']);
    expect([9.99e-4, -1e-3, 0.0015, 999999, 1e6, 1234567, 0.1 + 0.2].map(formatNumber)).toEqual([
      '9.99e-4',
      '-0.001',
      '0.0015',
      '999999',
      '1e6',
      '1234567',
      '0.30000000000000004',
    ]);
    // Folders (`l1_0.001`) and records (`config.optimizer`, compared on resume) hold these texts.
    expect(formatSpec('l1', 1e-3, {})).toBe('l1:0.001');
    expect(formatSpec('adam', undefined, { lr: 1e-3 })).toBe('adam:lr=0.001');
  });
  it('prints a float32 read back from a tensor as a user writes it: the fewest digits float32 rounds back to it', () => {
    const f32 = (xs: number[]) => Array.from(new Float32Array(xs));
    expect(f32([1e-3, 0.1, -0.3, 2.5e-7, 3.4028234663852886e38, 1 / 3, 16777217, 0]).map(formatFloat32)).toEqual([
      '0.001',
      '0.1',
      '-0.3',
      '2.5e-7',
      '3.4028235e38',
      '0.33333334',
      '16777216',
      '0',
    ]);
    // Each text is read back to the float32 it says; a double that is no float32, and NaN and ±∞, are said whole.
    for (const x of f32([1e-3, 0.1, 1 / 3, 1e-40, 123.456])) expect(Math.fround(Number(formatFloat32(x)))).toBe(x);
    expect([0.1 + 0.2, Number.NaN, Number.NEGATIVE_INFINITY].map(formatFloat32)).toEqual(['0.30000000000000004', 'NaN', '-Infinity']);
  });
  it('normalises specs so they parse back to the same thing', () => {
    const text = formatSpec('deadzone', 1e-4, { a: 0.25 });
    expect(text).toBe('deadzone:1e-4,a=0.25');
    expect(parseSpec(text)).toMatchObject({ name: 'deadzone', positional: '1e-4', params: [['a', '0.25']] });
    expect(formatSpec('maxnorm', undefined, { m: 2 })).toBe('maxnorm:m=2');
    expect(formatSpec('none', undefined, {})).toBe('none');
  });
});

describe('numbers that a float cannot hold are refused, not rounded', () => {
  it.each([
    ['l1:1e-400', /strength of l1 '1e-400' is too small for a 64-bit float \(it would be 0\)/],
    ['l1:1e400', /strength of l1 '1e400' is too large for a 64-bit float/],
    ['lp:1e-4,p=1e-999', /lp parameter p '1e-999' is too small/],
  ])('%s', async (spec, message) => {
    const { penalty } = await import('../../src/index.ts');
    expect(() => penalty(spec)).toThrow(SpecError);
    expect(() => penalty(spec)).toThrow(message);
  });
  it('still reads 0, 0.0, 0e5 and tiny numbers that fit', async () => {
    const { penalty } = await import('../../src/index.ts');
    expect(penalty('l1:0e5').strength).toBe(0);
    expect(penalty('l1:0.000').strength).toBe(0);
    expect(penalty('l1:1e-300').strength).toBe(1e-300);
  });
});

describe('list parameters (axis=0+1+2)', () => {
  it('parse, normalise and print with +', async () => {
    const { constraint } = await import('../../src/index.ts');
    expect(constraint('maxnorm:m=2,axis=0+1+2').spec).toBe('maxnorm:m=2,axis=0+1+2');
    expect(constraint('maxnorm:m=2').spec).toBe('maxnorm:m=2,axis=0');
    expect(constraint('maxnorm:m=2,axis=0+1+2').params['axis']).toEqual([0, 1, 2]);
    expect(() => constraint('maxnorm:axis=0+0.5')).toThrow(/maxnorm parameter axis=0.5 is not allowed; expected an integer/);
    expect(() => constraint('maxnorm:axis=1+1')).toThrow(/names a value twice/);
  });
});
