/**
 * Lines for a person from the commands (init, info, migrate, passwd, unlock, lock) and the CLI's error
 * line. Every line goes through terminalSafe: the text may hold server URLs, usernames and file names
 * from outside. The protocol verbs write through protocol/stdio.ts instead.
 */
import { terminalSafe } from './safe-text.js';

/** One line on stdout. */
export function say(line: string): void {
  process.stdout.write(`${terminalSafe(line)}\n`);
}

/** One line on stderr (docker shows a helper's stderr on the person's terminal). */
export function warn(line: string): void {
  process.stderr.write(`${terminalSafe(line)}\n`);
}
