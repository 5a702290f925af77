/**
 * Tests that need a real program (docker, docker-registry, skopeo, gpg, pass, ...) ask here first.
 * Missing programs skip the test locally and fail it when TSSTORE_REQUIRE_REAL=1 (CI sets it).
 */
import { findOnPath as findOnPathIn } from '../../src/fs/find-on-path.js';

/** The product's own PATH lookup, with the test process's PATH by default. */
export function findOnPath(program: string, path = process.env.PATH ?? ''): string | undefined {
  return findOnPathIn(program, path);
}

export const requireReal = process.env.TSSTORE_REQUIRE_REAL === '1';

/** Names of the programs that are missing; throws when real components are required. */
export function missingPrograms(programs: readonly string[]): string[] {
  const missing = programs.filter((program) => !findOnPath(program));
  if (missing.length > 0 && requireReal) {
    throw new Error(`TSSTORE_REQUIRE_REAL=1 but these programs are missing: ${missing.join(', ')} (see .ci/run)`);
  }
  return missing;
}

/** true when every program is there; use as `describe.skipIf(!haveAll([...]))`. */
export function haveAll(programs: readonly string[]): boolean {
  return missingPrograms(programs).length === 0;
}
