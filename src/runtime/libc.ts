/**
 * The C library through Bun.FFI (the native half of bun:ffi), opened once per process: the non-dumpable
 * prctl (no-core-dumps.ts) and the few file calls of the protocol path (src/fs/libc-file-calls.ts).
 *
 * Why file calls through libc: under bun, loading node:fs costs more than everything else `list` or a
 * not-found `get` does. Measured on bun single files built with our flags (perf stat, 60 runs each,
 * 2026-12-02): one line printed, 667 page faults / 22.5 ms; with node:fs imported and one read, stat and
 * write, 817 / 28.6 ms; the same through this handle (five symbols), 719 / 22.7 ms. Bun.file() is no
 * better (780 faults / 28.6 ms: it is asynchronous and starts bun's thread pool).
 *
 * Only in the bun single file on Linux; under Node.js (the npm package) there is no FFI. Any failure (no
 * glibc libc.so.6, a libc without statx (glibc < 2.28), a bun without Bun.FFI) leaves the file calls to
 * node:fs; a libc that has prctl alone still gets the non-dumpable call.
 */

/** The part of Bun.FFI used here. */
export interface BunFfi {
  dlopen(path: string, symbols: Record<string, { args: string[]; returns: string }>): { symbols: Record<string, unknown> };
  read?: { i32(pointer: number, byteOffset?: number): number };
}

/** The file calls, as libc declares them (pointers are typed arrays, bun passes their data). */
export interface LibcFileSymbols {
  open(path: Uint8Array, flags: number, mode: number): number;
  read(fd: number, buffer: Uint8Array, count: number): number;
  write(fd: number, buffer: Uint8Array, count: number): number;
  close(fd: number): number;
  statx(dirfd: number, path: Uint8Array, flags: number, mask: number, buffer: Uint8Array): number;
  /** errno of this thread, read right after a call that failed. */
  errno(): number;
}

export interface Libc {
  prctl(option: number, value: number): number;
  /** Undefined when this libc or FFI lacks one of them: node:fs serves then. */
  files?: LibcFileSymbols;
}

type Symbol = { args: string[]; returns: string };

// prctl is variadic; the kernel reads only the arguments its option needs, passed as 64-bit integers.
const PRCTL_SYMBOL: Symbol = { args: ['i32', 'u64'], returns: 'i32' };
const PRCTL: Record<string, Symbol> = { prctl: PRCTL_SYMBOL };

// One literal, not PRCTL spread into the file calls: a spread's first use costs the single file's
// interpreter more than the literal. ssize_t answers as i64_fast: a number (no call here moves GiBs).
const ALL: Record<string, Symbol> = {
  prctl: PRCTL_SYMBOL,
  open: { args: ['ptr', 'i32', 'u32'], returns: 'i32' },
  read: { args: ['i32', 'ptr', 'u64'], returns: 'i64_fast' },
  write: { args: ['i32', 'ptr', 'u64'], returns: 'i64_fast' },
  close: { args: ['i32'], returns: 'i32' },
  statx: { args: ['i32', 'ptr', 'i32', 'u32', 'ptr'], returns: 'i32' },
  __errno_location: { args: [], returns: 'ptr' },
};

export function bunFfi(): BunFfi | undefined {
  return (globalThis as { Bun?: { FFI?: BunFfi } }).Bun?.FFI;
}

/** The one FFI of this process (tests pass their own) and its libc. Not a WeakMap: creating the first
 * one costs 0.2 M instructions in the single file's interpreter (valgrind), a tenth of a `list`'s own work. */
let opened: { ffi: BunFfi; libc: Libc } | undefined;

/** libc through `ffi`, opened once; throws when not even prctl can be had. */
export function openLibc(ffi: BunFfi): Libc {
  if (opened?.ffi === ffi) return opened.libc;
  const libc = openAll(ffi) ?? { prctl: ffi.dlopen('libc.so.6', PRCTL).symbols.prctl as Libc['prctl'] };
  opened = { ffi, libc };
  return libc;
}

function openAll(ffi: BunFfi): Libc | undefined {
  const memory = ffi.read;
  if (!memory) return undefined;
  try {
    const symbols = ffi.dlopen('libc.so.6', ALL).symbols;
    const errnoLocation = symbols.__errno_location as () => number;
    const files = {
      open: symbols.open,
      read: symbols.read,
      write: symbols.write,
      close: symbols.close,
      statx: symbols.statx,
      errno: () => memory.i32(errnoLocation(), 0),
    } as LibcFileSymbols;
    return { prctl: symbols.prctl as Libc['prctl'], files };
  } catch {
    return undefined; // a symbol is missing (an old libc): prctl alone, below
  }
}

/** libc's file calls in this process, or undefined where node:fs must serve (Node.js, not Linux, no FFI). */
export function libcFiles(platform: string = process.platform, ffi: BunFfi | undefined = bunFfi()): LibcFileSymbols | undefined {
  if (platform !== 'linux' || !ffi) return undefined;
  try {
    return openLibc(ffi).files;
  } catch {
    return undefined;
  }
}
