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
import { fileURLToPath } from 'node:url';
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

export function findBun() {
  const found = workingBun();
  if (found) return found;
  // npm 11 skips install scripts unless approved; bun's links the platform binary into place, offline.
  execFileSync(process.execPath, [require.resolve('bun/install.js')], { stdio: 'inherit', cwd: dirname(require.resolve('bun/package.json')) });
  const installed = workingBun();
  if (!installed) throw new Error('bun is not installed: run npm ci');
  return installed;
}

/**
 * The flags of every single file we build: ours, and the floor scripts/bench.js measures us against (a
 * program that prints one line, built by the same bun with the same flags). Release targets reuse them.
 *
 * --splitting (ESM) keeps openpgp.js, commander and the doctor in chunks of their own inside the file,
 * loaded only by the commands that import them: `version` and `list` start about 10 ms sooner.
 * The helper runs in whatever folder docker was started from: a compiled bun file would otherwise read
 * that folder's .env (our settings) and bunfig.toml (whose `preload` runs any script), so a cloned
 * repository could run code next to every credential. Nothing is autoloaded.
 * --compile-jit-policy=10: JavaScriptCore tiers up 10 times later. A protocol verb is a few thousand
 * function calls; at the normal policy the JIT starts two compiler threads for them (page faults here cost
 * 10-40 us each, and the machine has 2 cores). Measured on the single file, 21-31 alternating runs:
 * `version` 1366 -> 1229 page faults and no JIT thread, `list` of 1,000 and `get` (hit and miss) 8-12 %
 * less CPU and 86-119 faults fewer, `store` 12 % less CPU. Long work (openpgp.js, doctor, migrate, the
 * agent) puts the normal policy back: src/runtime/jit-policy.ts.
 */
export const SINGLE_FILE_FLAGS = [
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
  '--compile-jit-policy=10',
];

/**
 * Builds `entry` into the single file `outfile` for bun's `target` (default: this machine), next to it
 * first and renamed over it. `addons` is a folder holding the target's @napi-rs/keyring-* package.
 */
export function buildSingleFile(entry, outfile, { quiet = false, target = 'bun', addons } = {}) {
  mkdirSync(dirname(outfile), { recursive: true });
  // Built next to the target and renamed over it, so a test running the old file never sees half a file.
  // bun adds .exe to a Windows file that lacks it: the partial name ends in .exe already.
  const partial = target.includes('windows') ? `${outfile}.${process.pid}.partial.exe` : `${outfile}.${process.pid}.partial`;
  // NODE_PATH is where bun's resolver looks after node_modules: the target's addon package, and nothing else.
  const env = addons ? { ...process.env, NODE_PATH: resolve(addons) } : process.env;
  execFileSync(findBun(), [...SINGLE_FILE_FLAGS, `--target=${target}`, entry, '--outfile', partial], {
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
    cwd: root,
    env,
  });
  renameSync(partial, outfile);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values: options } = parseArgs({
    options: { target: { type: 'string', default: 'bun' }, outfile: { type: 'string' }, addons: { type: 'string' } },
    strict: true,
  });
  const outfile = resolve(options.outfile ?? join(root, 'dist', 'docker-credential-tsstore'));
  buildSingleFile(join(root, 'helpers', 'docker-credential-tsstore.ts'), outfile, { target: options.target, addons: options.addons });
}
