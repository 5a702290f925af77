/**
 * What to do about a locked store key once the agent had no unlocked copy. Pure, so every branch is
 * unit-tested; the order is the issue's: passphrase file (unattended machines), then the terminal,
 * else fail at once with the command to run. Never wait for input that cannot come.
 */
import type { TerminalVerdict } from './proc-stat.js';

export type LockedKeyAction =
  | { kind: 'passphrase-file' }
  | { kind: 'prompt' }
  | { kind: 'fail'; message: string };

export interface LockedKeyFacts {
  /** TSSTORE_PASSPHRASE_FILE is set. */
  passphraseFile: boolean;
  terminal: TerminalVerdict;
  /** false where nobody must be asked (doctor). */
  mayPrompt: boolean;
}

export const UNLOCK_COMMAND = 'docker-credential-tsstore unlock';

export function lockedKeyAction(facts: LockedKeyFacts): LockedKeyAction {
  if (facts.passphraseFile) return { kind: 'passphrase-file' };
  if (!facts.mayPrompt) return { kind: 'fail', message: `the store key is locked: run ${UNLOCK_COMMAND}` };
  switch (facts.terminal) {
    case 'foreground':
    case 'unknown':
      return { kind: 'prompt' };
    case 'background':
      return { kind: 'fail', message: `the store key is locked and this process runs in the background of its terminal: run ${UNLOCK_COMMAND}` };
    case 'none':
      return { kind: 'fail', message: `the store key is locked and there is no terminal to ask for its passphrase: run ${UNLOCK_COMMAND}` };
  }
}

/** How many passphrases a person may get wrong before the verb gives up. */
export const MAX_ATTEMPTS = 3;

export function tooManyAttemptsMessage(attempts = MAX_ATTEMPTS): string {
  return `wrong passphrase ${attempts} times: the store key stays locked and nothing was changed`;
}
