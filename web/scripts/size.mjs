// Prints the compressed size of what a first visit downloads: index.html, the
// CSS, the entry script and the chunks it imports statically, and the fonts.
// Then the lazy screens, each on its own. Usage: node scripts/size.mjs
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotli, gzip } from './compress.mjs';

const BUDGET = 150 * 1024;

function sizes(file) {
  const buf = readFileSync(file);
  const text = /\.(html|js|css|svg|json|webmanifest)$/.test(file);
  return {
    raw: buf.length,
    gz: text ? gzip(buf).length : buf.length,
    br: text ? brotli(buf).length : buf.length,
  };
}

/** The files a first visit to any route downloads, found from index.html. */
export function firstVisitFiles(dist) {
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const files = new Set(['index.html']);
  for (const m of html.matchAll(/(?:href|src)="\/(assets\/[^"]+)"/g)) files.add(m[1]);
  for (const f of [...files]) {
    if (f.endsWith('.css')) {
      const css = readFileSync(path.join(dist, f), 'utf8');
      for (const m of css.matchAll(/url\(\/?(assets\/[^)]+\.woff2)\)/g)) files.add(m[1]);
    }
  }
  return [...files];
}

const kb = (n) => (n / 1024).toFixed(1).padStart(6) + ' KB';

export function printSizes(dist) {
  const first = firstVisitFiles(dist);
  const total = { raw: 0, gz: 0, br: 0 };
  console.log('First visit (any route):');
  for (const f of first) {
    const s = sizes(path.join(dist, f));
    total.raw += s.raw; total.gz += s.gz; total.br += s.br;
    console.log(`  ${f.padEnd(40)} ${kb(s.raw)} raw ${kb(s.gz)} gzip ${kb(s.br)} brotli`);
  }
  console.log(`  ${'TOTAL'.padEnd(40)} ${kb(total.raw)} raw ${kb(total.gz)} gzip ${kb(total.br)} brotli`);
  const lazy = readdirSync(path.join(dist, 'assets'))
    .filter((f) => f.endsWith('.js') && !first.includes('assets/' + f));
  let lazyBr = 0;
  let lazyGz = 0;
  for (const f of lazy) {
    const s = sizes(path.join(dist, 'assets', f));
    lazyBr += s.br;
    lazyGz += s.gz;
  }
  console.log(`Lazy screens: ${lazy.length} chunks, ${kb(lazyGz)} gzip, ${kb(lazyBr)} brotli in all`);
  console.log(`Worst case, first visit plus every screen: ${kb(total.gz + lazyGz)} gzip, ${kb(total.br + lazyBr)} brotli (budget ${kb(BUDGET)})`);
  const ok = total.gz + lazyGz <= BUDGET && statSync(path.join(dist, 'index.html')).isFile();
  if (!ok) console.log('WARNING: over the 150 KB budget');
  return { first: total, lazyBr };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
  if (!existsSync(path.join(dist, 'index.html'))) {
    console.error('dist/ is missing: run npm run build first');
    process.exit(1);
  }
  printSizes(dist);
}
