/** joinPath answers exactly what node:path's join answers, taking its own path only for clean parts. */
import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAbsolutePath, joinPath } from '../../src/fs/join-path.js';

const segment = fc.oneof(fc.constantFrom('', '.', '..', '.config', 'a', 'tsstore', '..x', 'x..', '...'), fc.string({ unit: fc.constantFrom('a', '.', '/', '-', 'é') }));
const part = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => segments.join('/'));

describe('joinPath', () => {
  it('equals path.join for any parts (clean ones joined by "/", the rest by node:path)', () => {
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        expect(joinPath(...(parts as [string, ...string[]]))).toBe(posix.join(...parts));
      }),
      { numRuns: 3000 },
    );
  });

  it('the paths tsstore joins', () => {
    expect(joinPath('/home/u', '.config')).toBe('/home/u/.config');
    expect(joinPath('.local', 'share')).toBe('.local/share');
    expect(joinPath('/home/u/', '.local/share')).toBe('/home/u/.local/share');
    expect(joinPath('/home//u', '../v', './x')).toBe('/home/v/x');
    expect(joinPath('')).toBe('.');
  });

  it('isAbsolutePath is path.isAbsolute', () => {
    for (const path of ['/', '/a', 'a', '', './a', '//a']) expect(isAbsolutePath(path), path).toBe(posix.isAbsolute(path));
  });
});
