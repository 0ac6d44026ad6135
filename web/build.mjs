// Builds the web app into dist/: index.html, hashed assets under dist/assets/,
// sw.js, manifest.webmanifest and icons at the top level, and a .gz and a .br
// next to every text file. Usage: node build.mjs [--watch] [--dev]
import { build, context } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressDir } from './scripts/compress.mjs';
import { pixelIconPng, pixelIconSvg } from './scripts/icons.mjs';
import { manifest } from './scripts/manifest.mjs';
import { printSizes } from './scripts/size.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(root, 'dist');
const assets = path.join(dist, 'assets');
const watch = process.argv.includes('--watch');
const dev = process.argv.includes('--dev') || watch;

const appOptions = {
  absWorkingDir: root,
  entryPoints: { app: 'src/main.tsx' },
  bundle: true,
  splitting: true,
  format: 'esm',
  target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
  outdir: assets,
  publicPath: '/assets',
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.woff2': 'file', '.svg': 'file', '.png': 'file' },
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: !dev,
  sourcemap: dev ? 'linked' : false,
  metafile: true,
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'warning',
  define: { 'import.meta.env.DEV': dev ? 'true' : 'false' },
};

/** Writes index.html, sw.js, the manifest and the icons once the app bundle exists. */
async function finish(metafile) {
  const outputs = Object.keys(metafile.outputs)
    .map((p) => path.relative(root, p).split(path.sep).join('/'))
    .filter((p) => !p.endsWith('.map'));
  const url = (p) => '/' + p.slice('dist/'.length);
  const entryJs = outputs.find((p) => /^dist\/assets\/app-[^/]+\.js$/.test(p));
  const entryCss = outputs.find((p) => /^dist\/assets\/app-[^/]+\.css$/.test(p));
  if (!entryJs || !entryCss) throw new Error('build: app entry JS or CSS missing');
  const entryMeta = metafile.outputs[path.join(root, entryJs)] ?? metafile.outputs[entryJs];
  const preload = (entryMeta?.imports ?? [])
    .filter((i) => i.kind === 'import-statement')
    .map((i) => url(path.relative(root, i.path).split(path.sep).join('/')));
  const fonts = outputs.filter((p) => p.endsWith('.woff2'));

  const buildHash = createHash('sha256').update(outputs.sort().join('\n')).digest('hex').slice(0, 12);

  const template = readFileSync(path.join(root, 'src/index.html'), 'utf8');
  const head = [
    ...fonts.map((f) => `<link rel="preload" href="${url(f)}" as="font" type="font/woff2" crossorigin>`),
    `<link rel="stylesheet" href="${url(entryCss)}">`,
    ...preload.map((p) => `<link rel="modulepreload" href="${p}">`),
    `<script type="module" src="${url(entryJs)}"></script>`,
  ].join('\n    ');
  writeFileSync(path.join(dist, 'index.html'), template.replace('<!-- assets -->', head));

  writeFileSync(path.join(dist, 'manifest.webmanifest'), JSON.stringify(manifest, null, 2) + '\n');
  writeFileSync(path.join(dist, 'icon.svg'), pixelIconSvg());
  writeFileSync(path.join(dist, 'icon-192.png'), pixelIconPng(192));
  writeFileSync(path.join(dist, 'icon-512.png'), pixelIconPng(512));

  const shell = ['/', ...outputs.filter((p) => p.startsWith('dist/assets/')).map(url), '/manifest.webmanifest', '/icon.svg'];
  await build({
    absWorkingDir: root,
    entryPoints: ['src/sw/sw.ts'],
    bundle: true,
    format: 'iife',
    target: ['es2020'],
    outfile: path.join(dist, 'sw.js'),
    minify: !dev,
    legalComments: 'none',
    logLevel: 'warning',
    define: {
      __BUILD_HASH__: JSON.stringify(buildHash),
      __SHELL__: JSON.stringify(shell),
    },
  });

  compressDir(dist);
  console.log(`build ${buildHash}: ${outputs.length} assets`);
  printSizes(dist);
}

rmSync(dist, { recursive: true, force: true });
mkdirSync(assets, { recursive: true });

if (watch) {
  const ctx = await context({
    ...appOptions,
    plugins: [{
      name: 'finish',
      setup(b) {
        b.onEnd(async (result) => {
          if (result.errors.length === 0) await finish(result.metafile).catch((e) => console.error(e));
        });
      },
    }],
  });
  await ctx.watch();
  console.log('watching src/ …');
} else {
  const result = await build(appOptions);
  await finish(result.metafile);
}
