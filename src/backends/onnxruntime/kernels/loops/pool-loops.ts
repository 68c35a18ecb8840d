/**
 * The gradient of max pooling as loops over NHWC Float32Arrays, as the cpu backend computes it:
 * each window passes dy to its first maximum in row-major order (a value takes over only when
 * strictly greater, so NaN never does, and a window with nothing above −∞ passes nothing);
 * overlapping windows add up.
 *
 *   2×2, stride 2, unpadded (the reference model's): the maximum y of each window is given
 *       (TF.js's MaxPoolGrad gets the forward's output), so its first position is the first
 *       x equal to y, found with no branch: dx[window] = dy at that position, 0 elsewhere
 *   any other window: positions found as the cpu backend does, then dx = 0; dx[at] += dy
 *
 * Measured (batch 64, one thread, 24×24×64 → 12×12×64): 5.4 ms for the 2×2 case against 15 ms for
 * an ONNX graph (MaxPool with indices ─► ScatterElements; ONNX Runtime's MaxPool with indices
 * alone takes 35 ms) and twice as long for the same loop with branches (random signs defeat the
 * branch predictor).
 */
import type { ConvGeometry } from '../../graphs/conv-geometry.ts';

/** dx of max pooling `g` of x (NHWC) whose output was y, from dy; dx is overwritten. */
export function maxPoolGrad(g: ConvGeometry, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array): void {
  if (isTiled(g)) tiledGrad(g, x, y, dy, dx);
  else scatter(positions(g, x), dy, dx);
}

/** 2×2 windows at stride 2 from the top-left corner, undilated, all inside x. */
function isTiled(g: ConvGeometry): boolean {
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  const inside = 2 * g.outH <= g.inH && 2 * g.outW <= g.inW;
  return g.kh === 2 && g.kw === 2 && sh === 2 && sw === 2 && dh === 1 && dw === 1 && g.pads[0] === 0 && g.pads[1] === 0 && inside;
}

/**
 * Each window's four gradients written at once. Masks are all ones (−1) or 0; a window's mask is
 * set for the first of its four values equal to y, and the gradient is dy's bits under it, so
 * dx is exactly dy or +0 (no arithmetic on dy). A window with nothing above −∞ (all NaN or −∞:
 * y = −∞, see cpuEmptyWindows) gets zeros, as on the cpu backend.
 */
function tiledGrad(g: ConvGeometry, x: Float32Array, y: Float32Array, dy: Float32Array, dx: Float32Array): void {
  const dyBits = new Int32Array(dy.buffer, dy.byteOffset, dy.length);
  const dxBits = new Int32Array(dx.buffer, dx.byteOffset, dx.length);
  const c = g.inC;
  const row = g.inW * c;
  // Rows and columns past the last full window (odd sizes) get no gradient.
  if (2 * g.outH < g.inH || 2 * g.outW < g.inW) dx.fill(0);
  let o = 0;
  for (let b = 0; b < g.n; b++) {
    for (let r = 0; r < g.outH; r++) {
      let p = (b * g.inH + 2 * r) * row;
      for (let q = 0; q < g.outW; q++, p += 2 * c) {
        for (let k = 0; k < c; k++, o++) {
          const i0 = p + k;
          const i1 = i0 + c;
          const i2 = i0 + row;
          const i3 = i2 + c;
          const m = y[o] as number;
          // y = −∞: nothing in the window is above −∞ (an −∞ there equals y but is no maximum).
          const d = m === Number.NEGATIVE_INFINITY ? 0 : (dyBits[o] as number);
          const e0 = -(x[i0] === m);
          const e1 = -(x[i1] === m) & ~e0;
          const e2 = -(x[i2] === m) & ~(e0 | e1);
          const e3 = -(x[i3] === m) & ~(e0 | e1 | e2);
          dxBits[i0] = d & e0;
          dxBits[i1] = d & e1;
          dxBits[i2] = d & e2;
          dxBits[i3] = d & e3;
        }
      }
    }
  }
}

/** ONNX Runtime's MaxPool starts every window at its lowest float, so that is what a window of NaN and −∞ gives. */
const LOWEST_FLOAT = -3.4028234663852886e38;

/**
 * y of max pooling `g` of x as the cpu backend has it: where ONNX Runtime gave its lowest float,
 * the window's first maximum above −∞, or −∞ when there is none (all NaN or −∞). Example: a
 * window [NaN, −∞] gives −∞, not −3.4e38. Windows are searched only when y holds that float.
 */
export function cpuEmptyWindows(g: ConvGeometry, x: Float32Array, y: Float32Array): void {
  if (!y.includes(LOWEST_FLOAT)) return;
  const at = positions(g, x);
  for (let o = 0; o < y.length; o++) {
    if (y[o] !== LOWEST_FLOAT) continue;
    const p = at[o] as number;
    y[o] = p >= 0 ? (x[p] as number) : Number.NEGATIVE_INFINITY;
  }
}

/** Flat index in x of every window's first maximum, or −1 (the cpu backend's maxPoolPositions). */
function positions(g: ConvGeometry, x: Float32Array): Int32Array {
  const c = g.inC;
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  const [top, left] = g.pads;
  const at = new Int32Array(g.n * g.outH * g.outW * c).fill(-1);
  const best = new Float32Array(c);
  let o = 0;
  for (let b = 0; b < g.n; b++) {
    for (let r = 0; r < g.outH; r++) {
      for (let q = 0; q < g.outW; q++, o += c) {
        best.fill(-Infinity);
        for (let i = 0; i < g.kh; i++) {
          const yy = r * sh - top + i * dh;
          if (yy < 0 || yy >= g.inH) continue;
          for (let j = 0; j < g.kw; j++) {
            const xx = q * sw - left + j * dw;
            if (xx < 0 || xx >= g.inW) continue;
            const base = ((b * g.inH + yy) * g.inW + xx) * c;
            for (let k = 0; k < c; k++) {
              const v = x[base + k] as number;
              if (v > (best[k] as number)) {
                best[k] = v;
                at[o + k] = base + k;
              }
            }
          }
        }
      }
    }
  }
  return at;
}

/** dx = Σ over windows of dy at each window's maximum. */
function scatter(at: Int32Array, dy: Float32Array, dx: Float32Array): void {
  dx.fill(0);
  for (let o = 0; o < at.length; o++) {
    const p = at[o] as number;
    if (p >= 0) dx[p] = (dx[p] as number) + (dy[o] as number);
  }
}
