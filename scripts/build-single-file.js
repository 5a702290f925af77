#!/usr/bin/env node
// Builds dist/docker-credential-tsstore: one executable with bun's runtime embedded, so no Node.js is
// needed where it runs. bun comes from the npm registry (devDependency), never from the network.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

function findBun() {
  // The platform package holds the real binary; the `bun` package's own bin needs an install script.
  for (const name of ['@oven/bun-linux-x64/bin/bun', '@oven/bun-linux-x64-baseline/bin/bun', 'bun/bin/bun.exe']) {
    try {
      const path = require.resolve(name);
      if (existsSync(path)) return path;
    } catch {
      // try the next one
    }
  }
  throw new Error('bun is not installed: run npm ci');
}

const outfile = join(root, 'dist', 'docker-credential-tsstore');
mkdirSync(dirname(outfile), { recursive: true });
// Built next to the target and renamed over it, so a test running the old file never sees half a file.
const partial = `${outfile}.${process.pid}.partial`;
execFileSync(
  findBun(),
  ['build', '--compile', '--minify', '--bytecode', '--target=bun', join(root, 'helpers', 'docker-credential-tsstore.ts'), '--outfile', partial],
  { stdio: ['ignore', 'inherit', 'inherit'], cwd: root },
);
renameSync(partial, outfile);
