/**
 * The single file starts with JavaScriptCore's JIT made 10 times more reluctant (--compile-jit-policy in
 * scripts/build-single-file.js): a protocol verb runs each function a few times and exits, and the JIT's
 * threads and code cost it more than they save. Work that runs long (openpgp.js, the commands for
 * people, the agent) puts the normal policy back first. Under Node.js (the npm package) nothing is done.
 */
interface BunUnsafe {
  setJITPolicy?(scale: number): void;
}

export function useNormalJit(): void {
  (globalThis as { Bun?: { unsafe?: BunUnsafe } }).Bun?.unsafe?.setJITPolicy?.(1);
}
