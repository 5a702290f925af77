/**
 * Makes this process non-dumpable, prctl(PR_SET_DUMPABLE, 0), before it reads anything. A tsstore killed
 * by SIGABRT, SIGSEGV or SIGQUIT then leaves no core file holding a password, a passphrase or the
 * unlocked store key (the agent holds that for hours), whatever `ulimit -c` says; unlike RLIMIT_CORE 0
 * it also holds when core_pattern pipes to a handler that ignores the limit, and children (docker, gpg)
 * are not touched (exec resets it). It also makes the files under /proc/PID root's and refuses ptrace and
 * /proc/PID/{mem,maps,environ} to other processes of the same user (root still can): wanted in a process
 * that holds secrets. The process itself still reads /proc/self/stat and ns/pid (checked as nobody), but
 * not the 0400 files environ and auxv, which tsstore never reads.
 *
 * Only in the bun single file, through libc by Bun.FFI (./libc.ts). Under Node.js (the npm package)
 * there is no FFI and nothing is done. Linux only. A failure (no glibc libc.so.6, seccomp, a bun without
 * Bun.FFI) is ignored: this must never stop the helper.
 */
import { type BunFfi, bunFfi, openLibc } from './libc.js';

export type CoreDumpGuard = 'non-dumpable' | 'not-linux' | 'no-ffi' | 'failed';

const PR_SET_DUMPABLE = 4;

// Cost in the single file: this call 0.84 ms (median of 61 `version` runs, Bun.nanoseconds around it; the
// prctl trampoline bun compiles); `version`, 300 alternating runs: 36.7 ms before, 36.1 ms after (noise).
// import('bun:ffi') instead of Bun.FFI costs 0.7-1.4 ms more. The same dlopen opens the file calls.
export function forbidCoreDumps(platform: string = process.platform, ffi: BunFfi | undefined = bunFfi()): CoreDumpGuard {
  if (platform !== 'linux') return 'not-linux';
  if (!ffi) return 'no-ffi';
  try {
    return openLibc(ffi).prctl(PR_SET_DUMPABLE, 0) === 0 ? 'non-dumpable' : 'failed';
  } catch {
    return 'failed';
  }
}
