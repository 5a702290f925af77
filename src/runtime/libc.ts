/**
 * The C library through Bun.FFI (the native half of bun:ffi), opened once per process: the non-dumpable
 * prctl (no-core-dumps.ts), the few file calls of the protocol path (src/fs/libc-file-calls.ts) and, on
 * keyring verbs only, the D-Bus client's socket calls (src/dbus/libc-socket.ts).
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

/** The socket calls of the D-Bus client (src/dbus/libc-socket.ts); close and errno are the file calls'. */
export interface LibcSocketSymbols {
  socket(domain: number, type: number, protocol: number): number;
  connect(fd: number, address: Uint8Array, length: number): number;
  send(fd: number, data: Uint8Array, length: number, flags: number): number;
  recv(fd: number, into: Uint8Array, length: number, flags: number): number;
  poll(fds: Uint8Array, count: number, timeoutMs: number): number;
  close(fd: number): number;
  errno(): number;
}

// ssize_t results are read as their low 32 bits: every length here is far below 2 GiB, and -1 stays -1.
const SOCKETS: Record<string, Symbol> = {
  socket: { args: ['i32', 'i32', 'i32'], returns: 'i32' },
  connect: { args: ['i32', 'ptr', 'u32'], returns: 'i32' },
  send: { args: ['i32', 'ptr', 'u64', 'i32'], returns: 'i32' },
  recv: { args: ['i32', 'ptr', 'u64', 'i32'], returns: 'i32' },
  poll: { args: ['ptr', 'u64', 'i32'], returns: 'i32' },
};

let sockets: { ffi: BunFfi; symbols: LibcSocketSymbols | undefined } | undefined;

/**
 * libc's socket calls, or undefined where bun's or Node's sockets must serve. A second dlopen of the
 * same libc (the loader hands back its handle) with these five symbols only, made on first use: the
 * verbs that never talk to D-Bus do not pay for their trampolines, and close and errno come from the
 * first one. Measured under bun (valgrind): those five 0.08 M instructions, the D-Bus client's own
 * dlopen of seven before (close and __errno_location again) 0.10 M; in the single file's `get` hit the
 * difference is within run-to-run noise (22.0-22.2 M either way). Adding them to the first dlopen
 * would cost every verb that.
 */
export function libcSockets(platform: string = process.platform, ffi: BunFfi | undefined = bunFfi()): LibcSocketSymbols | undefined {
  if (platform !== 'linux' || !ffi) return undefined;
  if (sockets?.ffi === ffi) return sockets.symbols;
  let symbols: LibcSocketSymbols | undefined;
  const files = libcFiles(platform, ffi);
  if (files) {
    try {
      const opened = ffi.dlopen('libc.so.6', SOCKETS).symbols;
      symbols = {
        socket: opened.socket,
        connect: opened.connect,
        send: opened.send,
        recv: opened.recv,
        poll: opened.poll,
        close: (fd: number) => files.close(fd),
        errno: () => files.errno(),
      } as LibcSocketSymbols;
    } catch {
      symbols = undefined; // FFI refused: bun's own sockets will do
    }
  }
  sockets = { ffi, symbols };
  return symbols;
}
