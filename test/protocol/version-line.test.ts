import { describe, expect, it } from 'vitest';
import { isBareVersion, versionLine } from '../../src/protocol/version-line.js';
import { PACKAGE, VERSION } from '../../src/version.js';

describe('the version answer the entry gives before loading main', () => {
  it('is the reference helper\'s NAME (PACKAGE) VERSION line', () => {
    expect(versionLine()).toBe(`docker-credential-tsstore (${PACKAGE}) ${VERSION}\n`);
  });

  it('is given only for exactly one argument, `version`; every other argument list goes to main', () => {
    expect(isBareVersion(['version'])).toBe(true);
    for (const args of [[], ['version', 'x'], ['Version'], ['--version'], ['version '], ['list']]) {
      expect(isBareVersion(args), JSON.stringify(args)).toBe(false);
    }
  });
});
