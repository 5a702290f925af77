/**
 * RFC 6637 ECDH on curve25519Legacy, the store key's encryption subkey, for the fast paths: reading the
 * subkey's public fields, the KDF that turns the shared point into the key-encryption key, and the RFC 3394
 * AES key wrap around the session key. X25519, AES and the hashes are libgcrypt's or node:crypto's
 * (pgp-crypto.ts).
 */
import { readMpi, unsupported } from './openpgp-packets.js';
import type { HashName, PgpCrypto } from './pgp-crypto.js';

export const ECDH = 18;
const CURVE25519_OID = '2b060104019755010501';
const HASHES: Record<number, HashName> = { 8: 'sha256', 9: 'sha384', 10: 'sha512' };
/** AES key sizes in bytes by OpenPGP symmetric algorithm id. */
export const AES_KEY_BYTES: Record<number, number> = { 7: 16, 8: 24, 9: 32 };

export interface EcdhSubkey {
  keyID: Buffer;
  fingerprint: Buffer;
  /** The curve OID with its length byte, as the KDF parameters quote it. */
  oid: Buffer;
  kdf: { hash: HashName; kekBytes: number; bytes: Buffer };
  /** The X25519 public key (RFC 7748 u-coordinate, without OpenPGP's 0x40 prefix). */
  point: Buffer;
  /** Where the public fields end in the packet body: the S2K usage byte of a secret subkey. */
  publicEnd: number;
}

/**
 * The public fields of a v4 ECDH Curve25519 (secret or public) subkey packet. Nothing after them is read,
 * so this works alike for an unprotected and a passphrase-protected key.
 */
export function readEcdhSubkey(body: Buffer, crypto: PgpCrypto): EcdhSubkey {
  if (body[0] !== 4 || body[5] !== ECDH) unsupported();
  const oidLength = body[6] as number;
  if (body.subarray(7, 7 + oidLength).toString('hex') !== CURVE25519_OID) unsupported();
  const point = readMpi(body, 7 + oidLength);
  if (point.value.length !== 33 || point.value[0] !== 0x40) unsupported();
  // KDF parameters: length 3, reserved 1, hash, KEK cipher.
  const kdfBytes = body.subarray(point.next, point.next + 4);
  if (kdfBytes.length !== 4 || kdfBytes[0] !== 3 || kdfBytes[1] !== 1) unsupported();
  const hash = HASHES[kdfBytes[2] as number];
  const kekBytes = AES_KEY_BYTES[kdfBytes[3] as number];
  if (!hash || !kekBytes) return unsupported();
  const publicEnd = point.next + 4;
  const publicBody = body.subarray(0, publicEnd);
  const prefix = Buffer.from([0x99, publicBody.length >> 8, publicBody.length & 0xff]);
  const fingerprint = crypto.hash('sha1', Buffer.concat([prefix, publicBody]));
  return {
    keyID: fingerprint.subarray(12),
    fingerprint,
    oid: body.subarray(6, 7 + oidLength),
    kdf: { hash, kekBytes, bytes: kdfBytes },
    point: point.value.subarray(1),
    publicEnd,
  };
}

/** RFC 6637 section 7: the key-encryption key from the shared X25519 secret and the recipient's parameters. */
export function keyEncryptionKey(subkey: EcdhSubkey, shared: Buffer, crypto: PgpCrypto): Buffer {
  const param = Buffer.concat([subkey.oid, Buffer.from([ECDH]), subkey.kdf.bytes, Buffer.from('Anonymous Sender    '), subkey.fingerprint]);
  const hashed = Buffer.concat([Buffer.from([0, 0, 0, 1]), shared, param]);
  try {
    return crypto.hash(subkey.kdf.hash, hashed).subarray(0, subkey.kdf.kekBytes);
  } finally {
    hashed.fill(0); // it holds the shared secret
  }
}

/** The public key (u-coordinate) of an X25519 scalar: X25519(k, 9), RFC 7748's base point. */
export function x25519Public(scalar: Buffer, crypto: PgpCrypto): Buffer {
  // Made here, not at load: this module loads with every fast decrypt, which never needs it.
  const basePoint = new Uint8Array(32);
  basePoint[0] = 9;
  return crypto.x25519(scalar, basePoint);
}

/** The two-octet sum of the session key's bytes that follows it in a PKESK (RFC 4880 5.1). */
export function sessionKeyChecksum(key: Buffer): number {
  let sum = 0;
  for (const byte of key) sum = (sum + byte) & 0xffff;
  return sum;
}
