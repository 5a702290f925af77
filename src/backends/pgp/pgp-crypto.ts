/**
 * The primitives the fast OpenPGP paths (fast-decrypt.ts, fast-encrypt.ts, ecdh-curve25519.ts) need,
 * behind one interface: libgcrypt's in the bun single file on Linux (pgp-crypto-gcrypt.ts), node:crypto's
 * everywhere else (pgp-crypto-node.ts). Both give the same bytes (test/backends/pgp/pgp-crypto.test.ts).
 *
 * Why not node:crypto everywhere: under bun, loading it is most of a `get` that finds its credential.
 * Measured on single files built with our flags (2026-12-02, Bun.nanoseconds, 20 runs): node:crypto's
 * load 4.8 ms and the X25519, SHA-256, AES-256-CFB and SHA-1 of one message 0.9 ms more (5.7 ms in all);
 * libgcrypt's dlopen with these symbols 1.0 ms and the same work 0.8 ms (1.8 ms in all).
 */
import { gcryptPgpCrypto } from './pgp-crypto-gcrypt.js';
import { nodePgpCrypto } from './pgp-crypto-node.js';

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface PgpCrypto {
  /** Which library answers (the tests check the single file takes libgcrypt). */
  readonly library: 'libgcrypt' | 'node:crypto';
  /** X25519 (RFC 7748) of a 32-byte little-endian scalar and a u-coordinate. */
  x25519(scalar: Uint8Array, point: Uint8Array): Buffer;
  hash(algorithm: HashName, data: Uint8Array): Buffer;
  /** RFC 3394 AES key wrap under `kek` (16, 24 or 32 bytes). */
  keyWrap(kek: Uint8Array, plain: Uint8Array): Buffer;
  /** RFC 3394 key unwrap; throws when the integrity check value does not match. */
  keyUnwrap(kek: Uint8Array, wrapped: Uint8Array): Buffer;
  /** AES in full-block CFB mode with a zero IV, as SEIPDv1 uses it; the key's length picks AES-128/192/256. */
  cfb(direction: 'encrypt' | 'decrypt', key: Uint8Array, data: Uint8Array): Buffer;
  randomBytes(count: number): Buffer;
}

/** Whether `a` and `b` hold the same bytes, in time that does not depend on where they differ. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= (a[index] as number) ^ (b[index] as number);
  return difference === 0;
}

/** libgcrypt's where this process can have it, node:crypto's otherwise. */
export function pgpCrypto(): PgpCrypto {
  return gcryptPgpCrypto() ?? nodePgpCrypto();
}
