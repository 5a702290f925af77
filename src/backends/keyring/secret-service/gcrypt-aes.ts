/**
 * AES-128-CBC from libgcrypt (the library gnome-keyring and libsecret use for this same session),
 * through Bun.FFI, for the bun single file on Linux: synchronous, so a keyring `get` never waits on
 * bun's event loop (see src/dbus/libc-socket.ts: its first tick costs a garbage collection). Web
 * Crypto, the fallback, runs every operation on a thread pool (two threads started) and answers
 * through the event loop. Measured on the single file (valgrind): loading libgcrypt and the cipher
 * ~1.0 M instructions and ~75 page faults, against ~1.7 M and ~145 for Web Crypto's key import,
 * derivation and decryption. Undefined wherever it cannot be loaded (no Bun.FFI, no libgcrypt.so.20).
 * Only the block cipher is libgcrypt's; padding and the rest are ours (session-cipher.ts).
 */

interface BunFfi {
  dlopen(path: string, symbols: Record<string, { args: string[]; returns: string }>): { symbols: GcryptSymbols };
}

interface GcryptSymbols {
  gcry_check_version(required: null): unknown;
  gcry_cipher_open(handle: BigUint64Array, algorithm: number, mode: number, flags: number): number;
  gcry_cipher_setkey(handle: bigint, key: Uint8Array, length: number): number;
  gcry_cipher_setiv(handle: bigint, iv: Uint8Array, length: number): number;
  gcry_cipher_encrypt(handle: bigint, out: Uint8Array, outLength: number, input: Uint8Array, inLength: number): number;
  gcry_cipher_decrypt(handle: bigint, out: Uint8Array, outLength: number, input: Uint8Array, inLength: number): number;
  gcry_cipher_close(handle: bigint): void;
}

const GCRY_CIPHER_AES128 = 7;
const GCRY_CIPHER_MODE_CBC = 3;

/** AES-128-CBC without padding: `data` is a whole number of 16-byte blocks. */
export interface AesCbc {
  encrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
}

export class AesCbcError extends Error {
  override readonly name = 'AesCbcError';
}

let loaded: AesCbc | null | undefined;

/** libgcrypt's AES-128-CBC, loaded once; undefined when this process cannot have it. */
export function gcryptAesCbc(): AesCbc | undefined {
  if (loaded === undefined) loaded = load();
  return loaded ?? undefined;
}

function load(): AesCbc | null {
  const ffi = (globalThis as { Bun?: { FFI?: BunFfi } }).Bun?.FFI;
  if (process.platform !== 'linux' || !ffi) return null;
  let c: GcryptSymbols;
  try {
    ({ symbols: c } = ffi.dlopen('libgcrypt.so.20', {
      gcry_check_version: { args: ['ptr'], returns: 'ptr' },
      gcry_cipher_open: { args: ['ptr', 'i32', 'i32', 'u32'], returns: 'u32' },
      gcry_cipher_setkey: { args: ['u64', 'ptr', 'u64'], returns: 'u32' },
      gcry_cipher_setiv: { args: ['u64', 'ptr', 'u64'], returns: 'u32' },
      gcry_cipher_encrypt: { args: ['u64', 'ptr', 'u64', 'ptr', 'u64'], returns: 'u32' },
      gcry_cipher_decrypt: { args: ['u64', 'ptr', 'u64', 'ptr', 'u64'], returns: 'u32' },
      gcry_cipher_close: { args: ['u64'], returns: 'void' },
    }));
    // Required before any other call: it initialises the library (no secure memory, no RNG is used).
    if (!c.gcry_check_version(null)) return null;
  } catch {
    return null; // not installed, or FFI refused: Web Crypto does it
  }
  const run = (direction: 'encrypt' | 'decrypt', key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array => {
    if (key.length !== 16 || iv.length !== 16 || data.length === 0 || data.length % 16 !== 0) throw new AesCbcError('not AES-128-CBC input');
    const slot = new BigUint64Array(1);
    if (c.gcry_cipher_open(slot, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CBC, 0) !== 0) throw new AesCbcError('libgcrypt has no AES-128-CBC');
    const handle = slot[0] as bigint;
    try {
      const out = new Uint8Array(data.length);
      const failed =
        c.gcry_cipher_setkey(handle, key, 16) !== 0 ||
        c.gcry_cipher_setiv(handle, iv, 16) !== 0 ||
        (direction === 'encrypt' ? c.gcry_cipher_encrypt(handle, out, out.length, data, data.length) : c.gcry_cipher_decrypt(handle, out, out.length, data, data.length)) !== 0;
      if (failed) throw new AesCbcError(`libgcrypt could not ${direction}`);
      return out;
    } finally {
      c.gcry_cipher_close(handle); // also wipes the key schedule
    }
  };
  return {
    encrypt: (key, iv, data) => run('encrypt', key, iv, data),
    decrypt: (key, iv, data) => run('decrypt', key, iv, data),
  };
}
