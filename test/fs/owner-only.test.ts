/** The one "only the owner may get in" rule the store key, passphrase file, agent folder and doctor share. */
import { describe, expect, it } from 'vitest';
import { onlyOwnerMayAccess } from '../../src/fs/owner-only.js';

describe('onlyOwnerMayAccess', () => {
  it('any right of group or others, even search or write alone, is too much; the owner\'s own bits do not matter', () => {
    for (const mode of [0o600, 0o700, 0o400, 0o200, 0o000, 0o100600, 0o040700]) expect(onlyOwnerMayAccess(mode), mode.toString(8)).toBe(true);
    for (const mode of [0o640, 0o604, 0o610, 0o601, 0o620, 0o602, 0o711, 0o100644, 0o040755]) expect(onlyOwnerMayAccess(mode), mode.toString(8)).toBe(false);
  });
});
