/**
 * The fast paths' primitives from libgcrypt through Bun.FFI (src/runtime/libgcrypt.ts), for the bun
 * single file on Linux: X25519 (gcry_ecc_mul_point), AES in CFB and key-wrap modes, and the hashes.
 * Random bytes come from Web Crypto's getRandomValues (synchronous, no thread pool). Undefined where
 * libgcrypt or its gcry_ecc_mul_point (libgcrypt >= 1.9) cannot be had: pgp-crypto-node.ts serves then.
 * Why: pgp-crypto.ts.
 */
import { type GcryptSymbols, libgcrypt } from '../../runtime/libgcrypt.js';
import { unsupported } from './openpgp-packets.js';
import type { HashName, PgpCrypto } from './pgp-crypto.js';

const GCRY_ECC_CURVE25519 = 1;
const GCRY_CIPHER_MODE_CFB = 2;
const GCRY_CIPHER_MODE_AESWRAP = 7;
/** libgcrypt's AES ids by key length: GCRY_CIPHER_AES128, 192, 256. */
const AES_BY_KEY_BYTES: Record<number, number> = { 16: 7, 24: 8, 32: 9 };
const HASHES: Record<HashName, { id: number; bytes: number }> = {
  sha1: { id: 2, bytes: 20 },
  sha256: { id: 8, bytes: 32 },
  sha384: { id: 9, bytes: 48 },
  sha512: { id: 10, bytes: 64 },
};
const ZERO_IV = new Uint8Array(16);

export class GcryptError extends Error {
  override readonly name = 'GcryptError';
}

let made: PgpCrypto | null | undefined;

export function gcryptPgpCrypto(): PgpCrypto | undefined {
  if (made === undefined) {
    const c = libgcrypt();
    made = c?.gcry_ecc_mul_point ? primitives(c, c.gcry_ecc_mul_point) : null;
  }
  return made ?? undefined;
}

function primitives(c: GcryptSymbols, mulPoint: NonNullable<GcryptSymbols['gcry_ecc_mul_point']>): PgpCrypto {
  /** One cipher operation under `key` in `mode`; the handle is closed (and its key schedule wiped) after. */
  const cipher = (mode: number, direction: 'encrypt' | 'decrypt', key: Uint8Array, data: Uint8Array, outLength: number): Buffer => {
    const algorithm = AES_BY_KEY_BYTES[key.length];
    if (algorithm === undefined) throw new GcryptError(`no AES with a ${key.length}-byte key`);
    const slot = new BigUint64Array(1);
    if (c.gcry_cipher_open(slot, algorithm, mode, 0) !== 0) throw new GcryptError('libgcrypt has no such cipher');
    const handle = slot[0] as bigint;
    try {
      const out = Buffer.alloc(outLength);
      if (c.gcry_cipher_setkey(handle, key, key.length) !== 0) throw new GcryptError('libgcrypt refused the key');
      if (mode === GCRY_CIPHER_MODE_CFB && c.gcry_cipher_setiv(handle, ZERO_IV, 16) !== 0) throw new GcryptError('libgcrypt refused the IV');
      const answer = direction === 'encrypt' ? c.gcry_cipher_encrypt(handle, out, outLength, data, data.length) : c.gcry_cipher_decrypt(handle, out, outLength, data, data.length);
      if (answer === 0) return out;
      out.fill(0);
      // A key unwrap whose integrity check fails lands here too: the caller gives up, as for node:crypto.
      if (mode === GCRY_CIPHER_MODE_AESWRAP) unsupported();
      throw new GcryptError(`libgcrypt could not ${direction}`);
    } finally {
      c.gcry_cipher_close(handle);
    }
  };
  return {
    library: 'libgcrypt',
    x25519: (scalar, point) => {
      if (scalar.length !== 32 || point.length !== 32) throw new GcryptError('X25519 takes 32-byte keys');
      // RFC 7748's decoding, done here so nothing depends on libgcrypt doing it: the scalar clamped, the
      // u-coordinate's top bit masked.
      const k = Uint8Array.from(scalar);
      k[0] = (k[0] as number) & 248;
      k[31] = ((k[31] as number) & 127) | 64;
      const u = Uint8Array.from(point);
      u[31] = (u[31] as number) & 127;
      const out = Buffer.alloc(32);
      const answer = mulPoint(GCRY_ECC_CURVE25519, out, k, u);
      k.fill(0);
      if (answer !== 0) throw new GcryptError('libgcrypt refused the X25519 point');
      return out;
    },
    hash: (algorithm, data) => {
      const { id, bytes } = HASHES[algorithm];
      const digest = Buffer.alloc(bytes);
      c.gcry_md_hash_buffer(id, digest, data, data.length);
      return digest;
    },
    keyWrap: (kek, plain) => {
      if (plain.length % 8 !== 0 || plain.length < 16) unsupported();
      return cipher(GCRY_CIPHER_MODE_AESWRAP, 'encrypt', kek, plain, plain.length + 8);
    },
    keyUnwrap: (kek, wrapped) => {
      if (wrapped.length % 8 !== 0 || wrapped.length < 24) unsupported();
      return cipher(GCRY_CIPHER_MODE_AESWRAP, 'decrypt', kek, wrapped, wrapped.length - 8);
    },
    cfb: (direction, key, data) => cipher(GCRY_CIPHER_MODE_CFB, direction, key, data, data.length),
    randomBytes: (count) => {
      const bytes = Buffer.alloc(count);
      globalThis.crypto.getRandomValues(bytes);
      return bytes;
    },
  };
}
