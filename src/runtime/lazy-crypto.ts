/**
 * Crypto without importing node:crypto up front: under bun that module costs about 12 ms to load, more
 * than everything else `version`, `list` or a not-found `get` does. Random bytes come from Web Crypto
 * (a global, already there); SHA-256 loads node:crypto only when it is needed.
 */
import type * as NodeCrypto from 'node:crypto';

export function randomHex(bytes: number): string {
  const values = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  return Buffer.from(values).toString('hex');
}

type GetBuiltinModule = (id: string) => unknown;

export function nodeCrypto(): typeof NodeCrypto {
  // process.getBuiltinModule: Node >= 20.16 and bun; a synchronous, lazy load of a built-in module.
  const load = (process as unknown as { getBuiltinModule: GetBuiltinModule }).getBuiltinModule;
  return load('node:crypto') as typeof NodeCrypto;
}

export function sha256Hex(text: string): string {
  return nodeCrypto().createHash('sha256').update(text, 'utf8').digest('hex');
}
