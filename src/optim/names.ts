/**
 * Matching weight names (`conv2d_1/kernel`) with globs: a pattern matches a weight when it matches
 * the whole name or its layer (the part before `/`). `*` is any run of characters, `?` one.
 */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * A test of weight names: true when any pattern (a glob) matches the whole name or its layer.
 *
 * @example
 * matcher('conv*')('conv2d_1/kernel')            // true (its layer matches)
 * matcher(['dense_2/bias'])('dense_2/kernel')    // false
 */
export function matcher(patterns: string | readonly string[]): (name: string) => boolean {
  const res = (typeof patterns === 'string' ? [patterns] : patterns).map(globToRegExp);
  return (name) => {
    const layer = name.split('/')[0] ?? name;
    return res.some((re) => re.test(name) || re.test(layer));
  };
}
