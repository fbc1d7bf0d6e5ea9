// Bundles the web UI (ui/src, plain TypeScript + uPlot) with esbuild into ui/dist: content-hashed app-*.js and
// app-*.css under ui/dist/ui/, and index.html pointing at them. Runs in `npm run build` (so at `npm ci`); nothing is
// fetched at run time.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'ui', 'dist');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'ui'), { recursive: true });
writeFileSync(join(out, '.keep'), '');

const result = await build({
  entryPoints: { app: join(root, 'ui', 'src', 'main.ts') },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  outdir: join(out, 'ui'),
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const js = outputs.find((name) => /^app-.*\.js$/.test(name));
const css = outputs.find((name) => /^app-.*\.css$/.test(name));
if (!js || !css) throw new Error(`esbuild produced no app bundle: ${outputs.join(', ')}`);
const html = readFileSync(join(root, 'ui', 'index.html'), 'utf8').replace('%JS%', js).replace('%CSS%', css);
writeFileSync(join(out, 'index.html'), html);
const size = (name: string): number => result.metafile.outputs[Object.keys(result.metafile.outputs).find((path) => basename(path) === name) ?? '']?.bytes ?? 0;
console.log(`ui/dist: ${js} (${(size(js) / 1024).toFixed(0)} KiB), ${css} (${(size(css) / 1024).toFixed(0)} KiB)`);
