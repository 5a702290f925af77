import { describe, expect, it } from 'vitest';
import { lockedError } from '../../../src/backends/keyring/secret-service/messages.js';
import { problemFromError } from '../../../src/doctor/checks/backend.js';
import { TsstoreError } from '../../../src/errors.js';

describe('backend check: advice for a locked store', () => {
  it('a locked pgp key gets the unlock command', () => {
    const diagnosis = problemFromError(new TsstoreError('locked', 'the store key is locked: run docker-credential-tsstore unlock'), 'reading the store failed', 'pgp');
    expect(diagnosis.commands).toEqual(['docker-credential-tsstore unlock']);
  });

  it('a locked keyring is told how to unlock the keyring, never the command that refuses keyring stores', () => {
    const diagnosis = problemFromError(lockedError('Login'), 'reading the store failed', 'keyring');
    expect(diagnosis.commands).toBeUndefined();
    expect(diagnosis.details).toEqual([
      'reading the store failed: the keyring is locked (Secret Service collection "Login"): unlock it (log in to your desktop session, or unlock it in Passwords and Keys / seahorse) and try again',
    ]);
  });
});
