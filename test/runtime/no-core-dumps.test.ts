/** When forbidCoreDumps calls prctl, and that it never throws (the e2e proof is test/e2e/core-dumps.test.ts). */
import { describe, expect, it } from 'vitest';
import { type BunFfi, bunFfi } from '../../src/runtime/libc.js';
import { forbidCoreDumps } from '../../src/runtime/no-core-dumps.js';

function fakeFfi(prctl: (option: number, value: number) => number): { ffi: BunFfi; opened: string[]; calls: number[][] } {
  const opened: string[] = [];
  const calls: number[][] = [];
  const ffi: BunFfi = {
    dlopen(path) {
      opened.push(path);
      return { symbols: { prctl: (option: number, value: number) => (calls.push([option, value]), prctl(option, value)) } };
    },
  };
  return { ffi, opened, calls };
}

describe('forbidCoreDumps', () => {
  it('on Linux calls prctl(PR_SET_DUMPABLE, 0) from libc', () => {
    const fake = fakeFfi(() => 0);
    expect(forbidCoreDumps('linux', fake.ffi)).toBe('non-dumpable');
    expect(fake.opened).toEqual(['libc.so.6']);
    expect(fake.calls).toEqual([[4, 0]]);
  });

  it('elsewhere, or without FFI (Node.js), does nothing', () => {
    const fake = fakeFfi(() => 0);
    expect(forbidCoreDumps('darwin', fake.ffi)).toBe('not-linux');
    expect(forbidCoreDumps('win32', fake.ffi)).toBe('not-linux');
    expect(fake.opened).toEqual([]);
    expect(forbidCoreDumps('linux', undefined)).toBe('no-ffi');
    // vitest runs under Node.js: there is no Bun.FFI.
    expect(bunFfi()).toBeUndefined();
    expect(forbidCoreDumps()).toBe(process.platform === 'linux' ? 'no-ffi' : 'not-linux');
  });

  it('a refused prctl or a missing libc is reported, never thrown', () => {
    expect(forbidCoreDumps('linux', fakeFfi(() => -1).ffi)).toBe('failed');
    const noLibc: BunFfi = {
      dlopen() {
        throw new Error('libc.so.6: cannot open shared object file');
      },
    };
    expect(forbidCoreDumps('linux', noLibc)).toBe('failed');
  });
});
