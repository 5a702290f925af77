#!/usr/bin/env node
// Builds dist/docker-credential-tsstore: one executable with bun's runtime embedded, so no Node.js is
// needed where it runs. bun comes from the npm registry (devDependency), never from the network.
// `--target bun-linux-arm64` (any of bun's targets) cross-compiles; bun fetches that target's runtime
// from the npm registry. `--addons DIR` is a folder holding that target's @napi-rs/keyring-* package
// (scripts/release.js fetches it): bun embeds whatever addon package it resolves, and only the host's is
// in node_modules. `--outfile FILE` defaults to dist/docker-credential-tsstore.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);

const candidates = ['@oven/bun-linux-x64/bin/bun', '@oven/bun-linux-x64-baseline/bin/bun', 'bun/bin/bun.exe'];

function workingBun() {
  for (const name of candidates) {
    try {
      const path = require.resolve(name);
      if (existsSync(path)) {
        execFileSync(path, ['--version'], { stdio: 'ignore' });
        return path;
      }
    } catch {
      // missing, or a placeholder that only bun's install script replaces: try the next one
    }
  }
  return undefined;
}

function findBun() {
  const found = workingBun();
  if (found) return found;
  // npm 11 skips install scripts unless approved; bun's links the platform binary into place, offline.
  execFileSync(process.execPath, [require.resolve('bun/install.js')], { stdio: 'inherit', cwd: dirname(require.resolve('bun/package.json')) });
  const installed = workingBun();
  if (!installed) throw new Error('bun is not installed: run npm ci');
  return installed;
}

const { values: options } = parseArgs({
  options: { target: { type: 'string', default: 'bun' }, outfile: { type: 'string' }, addons: { type: 'string' } },
  strict: true,
});
const target = options.target;
const outfile = resolve(options.outfile ?? join(root, 'dist', 'docker-credential-tsstore'));
mkdirSync(dirname(outfile), { recursive: true });
// Built next to the target and renamed over it, so a test running the old file never sees half a file.
// bun adds .exe to a Windows file that lacks it: the partial name ends in .exe already.
const partial = target.includes('windows') ? `${outfile}.${process.pid}.partial.exe` : `${outfile}.${process.pid}.partial`;
// NODE_PATH is where bun's resolver looks after node_modules: the target's addon package, and nothing else.
const env = options.addons ? { ...process.env, NODE_PATH: resolve(options.addons) } : process.env;
execFileSync(
  findBun(),
  // --splitting (ESM) keeps openpgp.js, commander and the doctor in chunks of their own inside the file,
  // loaded only by the commands that import them: `version` and `list` start about 10 ms sooner.
  // The helper runs in whatever folder docker was started from: a compiled bun file would otherwise read
  // that folder's .env (our settings) and bunfig.toml (whose `preload` runs any script), so a cloned
  // repository could run code next to every credential. Nothing is autoloaded.
  [
    'build',
    '--compile',
    '--no-compile-autoload-dotenv',
    '--no-compile-autoload-bunfig',
    '--no-compile-autoload-tsconfig',
    '--no-compile-autoload-package-json',
    '--splitting',
    '--format=esm',
    '--minify',
    '--bytecode',
    `--target=${target}`,
    join(root, 'helpers', 'docker-credential-tsstore.ts'),
    '--outfile',
    partial,
  ],
  { stdio: ['ignore', 'inherit', 'inherit'], cwd: root, env },
);
renameSync(partial, outfile);
