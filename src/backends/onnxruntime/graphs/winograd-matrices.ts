/**
 * Winograd's minimal filtering F(m, 3) (Lavin & Gray, "Fast Algorithms for Convolutional Neural
 * Networks", 2016): m outputs of a 3-tap correlation from a tile of a = m + 2 inputs,
 *
 *   y = Aᵀ [ (G g) ⊙ (Bᵀ d) ]        d: a inputs, g: 3 taps, y: m outputs
 *
 * with a multiplications instead of 3m. In 2-D the transforms are Kronecker products
 * (A ⊗ A etc.), m² outputs from a² products instead of 9m². The same matrices give the filter
 * gradient, a correlation with 3 outputs and m taps (the tile of dy), F(3, m):
 *
 *   dw = Gᵀ [ (A g) ⊙ (Bᵀ d) ]       d: a inputs, g: m values of dy, dw: 3 taps
 *
 * F(2, 3) (points 0, ±1) is exact in floating point up to rounding of sums of four terms.
 * F(4, 3) amplifies rounding more. Its points here are 0, ±1, 1/2, −2, the most accurate of the
 * sets tried (Lavin's 0, ±1, ±2; 0, ±1, ±1/2): measured on conv2d_2's filter gradient (64
 * samples, one thread, the largest error relative to the largest entry) 3.3e-5 against Lavin's
 * 6.3e-5 on sines, 1.2e-6 against 2.8e-6 on ReLU activations.
 */

/** A matrix as rows. */
export type Matrix = readonly (readonly number[])[];

/** The three transforms of F(m, 3). */
export interface WinogradTransforms {
  /** Outputs per tile along each axis. */
  readonly m: 2 | 4;
  /** Input transform Bᵀ, [a, a]. */
  readonly BT: Matrix;
  /** Filter transform G, [a, 3]. */
  readonly G: Matrix;
  /** Output transform Aᵀ, [m, a]. */
  readonly AT: Matrix;
}

const F2: WinogradTransforms = {
  m: 2,
  BT: [
    [1, 0, -1, 0],
    [0, 1, 1, 0],
    [0, -1, 1, 0],
    [0, 1, 0, -1],
  ],
  G: [
    [1, 0, 0],
    [1 / 2, 1 / 2, 1 / 2],
    [1 / 2, -1 / 2, 1 / 2],
    [0, 0, 1],
  ],
  AT: [
    [1, 1, 1, 0],
    [0, 1, -1, -1],
  ],
};

const F4: WinogradTransforms = {
  m: 4,
  BT: [
    [1, -3 / 2, -2, 3 / 2, 1, 0],
    [0, -1, 1 / 2, 5 / 2, 1, 0],
    [0, 1, -5 / 2, 1 / 2, 1, 0],
    [0, -2, -1, 2, 1, 0],
    [0, 1 / 2, -1, -1 / 2, 1, 0],
    [0, 1, -3 / 2, -2, 3 / 2, 1],
  ],
  G: [
    [1, 0, 0],
    [1 / 3, 1 / 3, 1 / 3],
    [-1 / 3, 1 / 3, -1 / 3],
    [-16 / 15, -8 / 15, -4 / 15],
    [1 / 15, -2 / 15, 4 / 15],
    [0, 0, 1],
  ],
  AT: [
    [1, 1, 1, 1, 1, 0],
    [0, 1, -1, 1 / 2, -2, 0],
    [0, 1, 1, 1 / 4, 4, 0],
    [0, 1, -1, 1 / 8, -8, 1],
  ],
};

/** The transforms for m outputs per tile. */
export const winogradTransforms = (m: 2 | 4): WinogradTransforms => (m === 2 ? F2 : F4);

/** Mᵀ. */
export function transpose(M: Matrix): number[][] {
  return (M[0] ?? []).map((_, j) => M.map((row) => row[j] as number));
}

/** The Kronecker product M ⊗ N: entry (i·rows(N) + k, j·cols(N) + l) is M[i][j]·N[k][l]. */
export function kron(M: Matrix, N: Matrix): number[][] {
  return M.flatMap((mi) => N.map((nk) => mi.flatMap((x) => nk.map((y) => x * y))));
}

/** M with its columns in reverse order (a 2-D filter's taps, row-major, reversed: the filter turned 180°). */
export function reverseColumns(M: Matrix): number[][] {
  return M.map((row) => [...row].reverse());
}
