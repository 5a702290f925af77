/**
 * The D-Bus client's socket calls come from the process's one libc (src/runtime/libc.ts): a second
 * dlopen asks for the five socket symbols only, close and errno are the file calls', and it is made
 * once. With a fake Bun.FFI; the real sockets are exercised by the keyring e2e tests on the single file.
 */
import { describe, expect, it } from 'vitest';
import { type BunFfi, libcSockets } from '../../src/runtime/libc.js';

function fakeFfi(): { ffi: BunFfi; asked: string[][]; closed: number[] } {
  const asked: string[][] = [];
  const closed: number[] = [];
  const ffi: BunFfi = {
    dlopen(path, symbols) {
      expect(path).toBe('libc.so.6');
      asked.push(Object.keys(symbols));
      const table: Record<string, unknown> = {};
      for (const name of Object.keys(symbols)) table[name] = () => 0;
      table.close = (fd: number) => (closed.push(fd), 0);
      table.__errno_location = () => 1234;
      return { symbols: table };
    },
    read: { i32: (pointer) => (pointer === 1234 ? 111 : -1) },
  };
  return { ffi, asked, closed };
}

describe('libcSockets', () => {
  it('opens the five socket calls once, on the first handle\'s close and errno', () => {
    const fake = fakeFfi();
    const sockets = libcSockets('linux', fake.ffi);
    expect(sockets).toBeDefined();
    expect(libcSockets('linux', fake.ffi)).toBe(sockets);
    expect(fake.asked).toHaveLength(2);
    expect(fake.asked[0]).toEqual(expect.arrayContaining(['prctl', 'open', 'close', '__errno_location']));
    expect(fake.asked[1]?.sort()).toEqual(['connect', 'poll', 'recv', 'send', 'socket']);
    sockets?.close(7);
    expect(fake.closed).toEqual([7]);
    expect(sockets?.errno()).toBe(111);
  });

  it('elsewhere, without FFI, or when FFI refuses: none (bun\'s or Node\'s sockets serve)', () => {
    expect(libcSockets('darwin', fakeFfi().ffi)).toBeUndefined();
    expect(libcSockets('linux', undefined)).toBeUndefined();
    const refusing: BunFfi = {
      dlopen() {
        throw new Error('libc.so.6: cannot open shared object file');
      },
      read: { i32: () => 0 },
    };
    expect(libcSockets('linux', refusing)).toBeUndefined();
  });
});
