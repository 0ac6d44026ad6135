// Runs the unit tests in test/*.test.ts with Node's test runner: each file is
// bundled by esbuild into a temporary folder first (Node 18 runs no TypeScript).
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const files = readdirSync(path.join(root, 'test')).filter((f) => f.endsWith('.test.ts'));
const out = mkdtempSync(path.join(tmpdir(), 'planetude-web-test-'));
try {
  await build({
    absWorkingDir: root,
    entryPoints: files.map((f) => 'test/' + f),
    bundle: true,
    platform: 'node',
    format: 'esm',
    outdir: out,
    outExtension: { '.js': '.mjs' },
    external: ['node:*'],
    logLevel: 'warning',
  });
  const run = spawnSync(process.execPath, ['--test', ...files.map((f) => path.join(out, f.replace(/\.ts$/, '.mjs')))], { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(out, { recursive: true, force: true });
}
