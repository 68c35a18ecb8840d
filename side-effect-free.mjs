/**
 * An esbuild plugin marking modules free of side effects (`sideEffects: false`, as a package.json
 * can say), so that a bundle leaves out every one whose exports it does not use, with what only it
 * imports: the report's page scripts (tsdown.config.mjs) take every module so; the playground
 * (mnist-demo/playground/build.mjs) the library's own (src/), leaving zod and the record schemas out.
 *
 * @example
 * build({ …, plugins: [sideEffectFree((path) => path.startsWith(`${srcDir}/`))] })
 */
export function sideEffectFree(marked = (_path) => true) {
  return {
    name: 'side-effect-free',
    setup(b) {
      b.onResolve({ filter: /.*/ }, async (args) => {
        if (args.pluginData?.inner || args.kind === 'entry-point') return undefined;
        const r = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { inner: true } });
        if (r.errors.length || !marked(r.path)) return undefined;
        return { path: r.path, namespace: r.namespace, external: r.external, sideEffects: false };
      });
    },
  };
}
