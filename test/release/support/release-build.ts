/**
 * dist/release/, built once per test run: every release test file awaits ensureRelease() in its beforeAll.
 * `npm run release -- --skip-if-current` does nothing when dist/release was built from the sources there
 * are now, and flock makes the second worker wait for the first one's build instead of starting its own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { PROJECT_ROOT } from '../../support/helper-binary.js';

export const RELEASE_DIR = join(PROJECT_ROOT, 'dist', 'release');
export const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const KEYRING_VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', '@napi-rs', 'keyring', 'package.json'), 'utf8')) as { version: string }).version;

/** Long enough for a cold build on two busy cores (measured: 3 to 4 minutes); a guard, not an assertion. */
export const RELEASE_TIMEOUT_MS = 25 * 60_000;
const LOCK_WAIT_SECONDS = 20 * 60;

export const releaseFile = (name: string): string => join(RELEASE_DIR, name);

let ready: Promise<void> | undefined;

export function ensureRelease(): Promise<void> {
  ready ??= build();
  return ready;
}

async function build(): Promise<void> {
  const lock = join(PROJECT_ROOT, 'dist', '.release.lock');
  await execa('mkdir', ['-p', join(PROJECT_ROOT, 'dist')]);
  const result = await execa('flock', ['-w', String(LOCK_WAIT_SECONDS), lock, process.execPath, join(PROJECT_ROOT, 'scripts', 'release.js'), '--skip-if-current'], {
    cwd: PROJECT_ROOT,
    reject: false,
    all: true,
    timeout: RELEASE_TIMEOUT_MS,
  });
  if (result.exitCode !== 0) {
    const why = result.timedOut ? `did not finish within ${RELEASE_TIMEOUT_MS / 60_000} minutes` : `failed (exit ${result.exitCode})`;
    throw new Error(`npm run release ${why} (or another worker held ${lock} for ${LOCK_WAIT_SECONDS} s):\n${String(result.all).slice(-4000)}`);
  }
}
