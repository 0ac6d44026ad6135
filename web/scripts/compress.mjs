// Writes <file>.gz (gzip level 9) and <file>.br (brotli quality 11) next to
// every text file of a directory tree, so the server can send them as they are.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TEXT = /\.(html|js|css|svg|webmanifest|json|txt|map)$/;

export function gzip(buf) {
  return gzipSync(buf, { level: 9 });
}

export function brotli(buf) {
  return brotliCompressSync(buf, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: 11,
      [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
    },
  });
}

export function compressDir(dir) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) {
      compressDir(file);
    } else if (TEXT.test(name)) {
      const buf = readFileSync(file);
      writeFileSync(file + '.gz', gzip(buf));
      writeFileSync(file + '.br', brotli(buf));
    }
  }
}
