/**
 * AES-128-CBC from libgcrypt (the library gnome-keyring and libsecret use for this same session),
 * through Bun.FFI (src/runtime/libgcrypt.ts: one handle with gcrypt-mpi.ts), for the bun single file on Linux: synchronous, so a keyring `get` never waits on
 * bun's event loop (see src/dbus/libc-socket.ts: its first tick costs a garbage collection). Web
 * Crypto, the fallback, runs every operation on a thread pool (two threads started) and answers
 * through the event loop. Measured on the single file (valgrind): loading libgcrypt and the cipher
 * ~1.0 M instructions and ~75 page faults, against ~1.7 M and ~145 for Web Crypto's key import,
 * derivation and decryption. Undefined wherever it cannot be loaded (no Bun.FFI, no libgcrypt.so.20).
 * Only the block cipher is libgcrypt's; padding and the rest are ours (session-cipher.ts).
 */

import { libgcrypt } from '../../../runtime/libgcrypt.js';

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
  const c = libgcrypt();
  if (!c) return null; // Web Crypto does it
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
