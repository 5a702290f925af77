/**
 * The `version` answer, and the way the entry prints it before anything else is loaded. It imports
 * nothing but two constant modules: under bun, importing node:fs alone (with node:path and node:os, which
 * main's modules need) costs more than the rest of `version`.
 */
import { PACKAGE, VERSION } from '../version.js';
import { HELPER_NAME } from './messages.js';

export function versionLine(): string {
  return `${HELPER_NAME} (${PACKAGE}) ${VERSION}\n`;
}

/** The one argument list the entry answers by itself: exactly `version` (anything else goes to main). */
export function isBareVersion(args: readonly string[]): boolean {
  return args.length === 1 && args[0] === 'version';
}

/** The part of Bun used here: its own write(2) loop, with no node:fs and no stream behind it. */
interface BunWrite {
  write(destination: unknown, data: string): Promise<number>;
  stdout: unknown;
}

/** Prints the version line; 1 when stdout is closed (as serveProtocol answers), else 0. */
export async function printVersion(): Promise<number> {
  const bun = (globalThis as { Bun?: BunWrite }).Bun;
  try {
    if (bun) {
      await bun.write(bun.stdout, versionLine());
    } else {
      const { writeOutput } = await import('./stdio.js');
      writeOutput(versionLine());
    }
    return 0;
  } catch {
    return 1; // stdout closed (EPIPE): nobody is left to tell
  }
}
