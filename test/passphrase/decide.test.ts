import { describe, expect, it } from 'vitest';
import { type LockedKeyFacts, UNLOCK_COMMAND, lockedKeyAction, tooManyAttemptsMessage } from '../../src/passphrase/decide.js';
import type { TerminalVerdict } from '../../src/passphrase/proc-stat.js';

const facts = (over: Partial<LockedKeyFacts>): LockedKeyFacts => ({ passphraseFile: false, terminal: 'none', mayPrompt: true, ...over });

describe('what a verb does with a locked key the agent does not hold', () => {
  it('uses TSSTORE_PASSPHRASE_FILE first, terminal or not', () => {
    for (const terminal of ['foreground', 'background', 'none', 'unknown'] as TerminalVerdict[]) {
      expect(lockedKeyAction(facts({ passphraseFile: true, terminal }))).toEqual({ kind: 'passphrase-file' });
    }
  });

  it('prompts in the foreground of a terminal (or where /proc cannot tell and /dev/tty will)', () => {
    expect(lockedKeyAction(facts({ terminal: 'foreground' }))).toEqual({ kind: 'prompt' });
    expect(lockedKeyAction(facts({ terminal: 'unknown' }))).toEqual({ kind: 'prompt' });
  });

  it('fails at once, with one line naming the unlock command, where nobody can answer', () => {
    for (const over of [{ terminal: 'none' }, { terminal: 'background' }, { terminal: 'foreground', mayPrompt: false }] as Partial<LockedKeyFacts>[]) {
      const action = lockedKeyAction(facts(over));
      expect(action.kind).toBe('fail');
      if (action.kind !== 'fail') continue;
      expect(action.message).toMatch(/^the store key is locked/);
      expect(action.message.endsWith(`run ${UNLOCK_COMMAND}`)).toBe(true);
      expect(action.message).not.toContain('\n');
    }
    expect(lockedKeyAction(facts({ terminal: 'none' }))).toEqual({
      kind: 'fail',
      message: 'the store key is locked and there is no terminal to ask for its passphrase: run docker-credential-tsstore unlock',
    });
  });

  it('says that nothing changed after too many wrong passphrases', () => {
    expect(tooManyAttemptsMessage()).toBe('wrong passphrase 3 times: the store key stays locked and nothing was changed');
  });
});
