/**
 * Makes this process non-dumpable, prctl(PR_SET_DUMPABLE, 0), before it reads anything. A tsstore killed
 * by SIGABRT, SIGSEGV or SIGQUIT then leaves no core file holding a password, a passphrase or the
 * unlocked store key (the agent holds that for hours), whatever `ulimit -c` says; unlike RLIMIT_CORE 0
 * it also holds when core_pattern pipes to a handler that ignores the limit, and children (docker, gpg)
 * are not touched (exec resets it). It also makes /proc/PID/{mem,environ,maps,...} root's and refuses
 * ptrace by other processes of the same user: wanted in a process that holds secrets. The process still
 * reads its own /proc/self (stat, ns/pid): the kernel always lets a process inspect itself.
 *
 * Only in the bun single file, through Bun.FFI (the native half of bun:ffi). Under Node.js (the npm
 * package) there is no FFI and nothing is done. Linux only. A failure (no glibc libc.so.6, seccomp, a bun
 * without Bun.FFI) is ignored: this must never stop the helper.
 */

/** The part of Bun.FFI used here. */
export interface BunFfi {
  dlopen(path: string, symbols: { prctl: { args: string[]; returns: string } }): { symbols: { prctl(option: number, value: number): number } };
}

export type CoreDumpGuard = 'non-dumpable' | 'not-linux' | 'no-ffi' | 'failed';

const PR_SET_DUMPABLE = 4;

export function bunFfi(): BunFfi | undefined {
  return (globalThis as { Bun?: { FFI?: BunFfi } }).Bun?.FFI;
}

// Cost, single file `version`, 60 alternating runs: median 37.5 ms without, 38.4 ms with (+0.9 ms, the
// trampoline bun compiles for prctl); `import('bun:ffi')` instead of Bun.FFI cost 0.7 ms more.
export function forbidCoreDumps(platform: string = process.platform, ffi: BunFfi | undefined = bunFfi()): CoreDumpGuard {
  if (platform !== 'linux') return 'not-linux';
  if (!ffi) return 'no-ffi';
  try {
    // prctl is variadic; the kernel reads only arg2 for PR_SET_DUMPABLE, passed as a 64-bit integer.
    const libc = ffi.dlopen('libc.so.6', { prctl: { args: ['i32', 'u64'], returns: 'i32' } });
    return libc.symbols.prctl(PR_SET_DUMPABLE, 0) === 0 ? 'non-dumpable' : 'failed';
  } catch {
    return 'failed';
  }
}
