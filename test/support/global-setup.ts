/**
 * Builds the single-file executable before the tests when it is missing or older than any source or the
 * build script, so `npm test` on a fresh clone tests the file users run, not a stale one.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HELPER_BINARY, PROJECT_ROOT } from './helper-binary.js';

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  let built = 0;
  try {
    built = statSync(HELPER_BINARY).mtimeMs;
  } catch {
    // not built yet
  }
  const sources = Math.max(
    newestSource(join(PROJECT_ROOT, 'src')),
    newestSource(join(PROJECT_ROOT, 'helpers')),
    // how the file is built counts too (its flags decide what the file reads at start)
    statSync(join(PROJECT_ROOT, 'scripts', 'build-single-file.js')).mtimeMs,
  );
  if (built < sources) {
    execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build-single-file.js')], { stdio: 'inherit' });
  }
}
