#!/usr/bin/env node
// npm run release: writes dist/release/ — the single file for each target in scripts/release/targets.js
// (cross-compiled by scripts/build-single-file.js, each with its own platform's keyring addon, fetched
// from the npm registry at the version node_modules has), the npm package (npm pack), a .deb for each
// Linux architecture and SHA256SUMS over all of them.
//
// --skip-if-current: do nothing when dist/release/ was built from exactly the sources there are now
// (the release tests call it once per test run, under a lock).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fetchAddon } from './release/addons.js';
import { buildDeb } from './release/deb.js';
import { TARGETS, debFileName, releaseFiles } from './release/targets.js';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist');
const out = join(dist, 'release');
// Kept between runs: fetched addon tarballs (bun keeps its target runtimes in ~/.bun/install/cache).
const cache = join(dist, 'cache');
const stampFile = join(dist, 'release.sources-sha256');

const { values: options } = parseArgs({ options: { 'skip-if-current': { type: 'boolean', default: false } }, strict: true });
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const keyringVersion = JSON.parse(readFileSync(join(root, 'node_modules', '@napi-rs', 'keyring', 'package.json'), 'utf8')).version;

/** A hash over every file the artifacts are made from. */
function sourcesHash() {
  const hash = createHash('sha256');
  const add = (path) => {
    const stats = statSync(path);
    if (stats.isDirectory()) {
      for (const name of readdirSync(path).sort()) add(join(path, name));
      return;
    }
    hash.update(`${relative(root, path)}\0${stats.size}\0`);
    hash.update(readFileSync(path));
  };
  for (const name of ['src', 'helpers', 'scripts', 'package.json', 'package-lock.json', 'README.md', 'LICENSE', 'tsconfig.json', 'tsconfig.build.json']) add(join(root, name));
  hash.update(`keyring ${keyringVersion}`);
  return hash.digest('hex');
}

const sources = sourcesHash();
const current = () => existsSync(stampFile) && readFileSync(stampFile, 'utf8') === sources && releaseFiles(version).every((file) => existsSync(join(out, file))) && existsSync(join(out, 'SHA256SUMS'));
if (options['skip-if-current'] && current()) {
  console.log(`dist/release is current (tsstore ${version})`);
  process.exit(0);
}

const started = process.hrtime.bigint();
const step = (what) => console.log(`release: ${what} (${Number((process.hrtime.bigint() - started) / 1_000_000n) / 1000} s)`);
rmSync(stampFile, { force: true });
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

for (const target of TARGETS) {
  step(`${target.file}: fetching @napi-rs/keyring-${target.addon}@${keyringVersion}`);
  const addons = fetchAddon(target, keyringVersion, cache);
  step(`${target.file}: building for ${target.bun}`);
  execFileSync(process.execPath, [join(root, 'scripts', 'build-single-file.js'), '--target', target.bun, '--outfile', join(out, target.file), '--addons', addons], {
    stdio: ['ignore', 'ignore', 'inherit'],
    cwd: root,
  });
}

// The host's own file answers `version` with the version of package.json, or the release stops here.
const versionLine = execFileSync(join(out, 'docker-credential-tsstore-linux-x64'), ['version'], { encoding: 'utf8' });
if (!versionLine.endsWith(` ${version}\n`)) throw new Error(`the built file says "${versionLine.trim()}", package.json says ${version}: update src/version.ts`);

step('npm package: compiling and packing');
// In a folder of its own, compiled afresh: tsc never removes the output of a source that is gone (npm pack
// would ship it), and the checkout's build/ stays as it is for whatever reads it meanwhile (npm run bench).
const npmStage = join(cache, 'npm-package');
rmSync(npmStage, { recursive: true, force: true });
mkdirSync(npmStage, { recursive: true });
for (const file of ['package.json', 'README.md', 'LICENSE']) copyFileSync(join(root, file), join(npmStage, file));
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', join(npmStage, 'build')], { stdio: 'inherit', cwd: root });
execFileSync('npm', ['pack', '--pack-destination', out, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'], cwd: npmStage });

const epoch = process.env.SOURCE_DATE_EPOCH;
const date = epoch ? new Date(Number(epoch) * 1000) : new Date();
for (const target of TARGETS.filter((t) => t.deb)) {
  step(`Debian package for ${target.deb}`);
  const outfile = join(out, debFileName(version, target.deb));
  buildDeb({ executable: join(out, target.file), arch: target.deb, version, root, work: cache, outfile, date });
}

const files = releaseFiles(version);
const found = readdirSync(out).sort();
if (JSON.stringify(found) !== JSON.stringify(files)) throw new Error(`dist/release holds ${found.join(', ')}; expected ${files.join(', ')}`);
const sums = files.map((file) => `${createHash('sha256').update(readFileSync(join(out, file))).digest('hex')}  ${file}\n`).join('');
writeFileSync(join(out, 'SHA256SUMS.partial'), sums);
renameSync(join(out, 'SHA256SUMS.partial'), join(out, 'SHA256SUMS'));
writeFileSync(stampFile, sources);

step('done');
for (const file of [...files, 'SHA256SUMS']) {
  const size = statSync(join(out, file)).size;
  console.log(`${(size / 1024 / 1024).toFixed(1).padStart(6)} MiB  ${size.toString().padStart(10)}  ${file}`);
}
