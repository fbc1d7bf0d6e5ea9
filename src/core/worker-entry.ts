/**
 * How to start a worker thread on a module that sits beside its caller, from the build and from source alike. From
 * the build (a `.js` caller) the worker's entry is the sibling `.js` file. From TypeScript (tsx, vitest) it is a
 * bootstrap run with `eval`: tsx registered in the worker's own thread first (Node 20 applies a thread's module hooks
 * to that thread only, and `execArgv: ['--import', 'tsx']` registers them after the worker's entry is already being
 * loaded), then the sibling `.ts` file imported. Builds a URL or a script only; the caller makes the Worker.
 *
 * `callerUrl`: the caller's `import.meta.url`; `name`: the sibling's file name without its extension.
 */
export function workerEntry(callerUrl: string, name: string): { readonly entry: URL | string; readonly eval: boolean } {
  if (!callerUrl.endsWith('.ts')) return { entry: new URL(`./${name}.js`, callerUrl), eval: false };
  // Where a module is run as CommonJS (tsx does for a .ts file outside a package of type module) there is no
  // import.meta.resolve; the worker then finds tsx from the working directory, as `node --import tsx` does.
  const tsx = typeof import.meta.resolve === 'function' ? import.meta.resolve('tsx/esm/api') : 'tsx/esm/api';
  const source = new URL(`./${name}.ts`, callerUrl).href;
  return { entry: `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`, eval: true };
}
