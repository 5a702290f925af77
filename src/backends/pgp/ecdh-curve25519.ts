/**
 * RFC 6637 ECDH on curve25519Legacy, the store key's encryption subkey, for the fast paths: reading the
 * subkey's public fields, the KDF that turns the shared point into the key-encryption key, and the RFC 3394
 * AES key wrap around the session key. X25519, AES and the hashes are node:crypto's.
 */
import type * as NodeCrypto from 'node:crypto';
import { readMpi, unsupported } from './openpgp-packets.js';

export const ECDH = 18;
const CURVE25519_OID = '2b060104019755010501';
const HASHES: Record<number, string> = { 8: 'sha256', 9: 'sha384', 10: 'sha512' };
/** AES key sizes in bytes by OpenPGP symmetric algorithm id. */
export const AES_KEY_BYTES: Record<number, number> = { 7: 16, 8: 24, 9: 32 };

export interface EcdhSubkey {
  keyID: Buffer;
  fingerprint: Buffer;
  /** The curve OID with its length byte, as the KDF parameters quote it. */
  oid: Buffer;
  kdf: { hash: string; kekBytes: number; bytes: Buffer };
  /** The X25519 public key (RFC 7748 u-coordinate, without OpenPGP's 0x40 prefix). */
  point: Buffer;
  /** Where the public fields end in the packet body: the S2K usage byte of a secret subkey. */
  publicEnd: number;
}

/**
 * The public fields of a v4 ECDH Curve25519 (secret or public) subkey packet. Nothing after them is read,
 * so this works alike for an unprotected and a passphrase-protected key.
 */
export function readEcdhSubkey(body: Buffer, crypto: typeof NodeCrypto): EcdhSubkey {
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
  const fingerprint = crypto.createHash('sha1').update(prefix).update(publicBody).digest();
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
export function keyEncryptionKey(subkey: EcdhSubkey, shared: Buffer, crypto: typeof NodeCrypto): Buffer {
  const param = Buffer.concat([subkey.oid, Buffer.from([ECDH]), subkey.kdf.bytes, Buffer.from('Anonymous Sender    '), subkey.fingerprint]);
  return crypto.createHash(subkey.kdf.hash).update(Buffer.from([0, 0, 0, 1])).update(shared).update(param).digest().subarray(0, subkey.kdf.kekBytes);
}

// The fixed DER framing of an X25519 private key (PKCS#8) and public key (SPKI) around their 32 bytes.
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');
/** The u-coordinate 9 of RFC 7748: X25519(k, 9) is the public key of k. */
const BASE_POINT = Buffer.from([9, ...new Array<number>(31).fill(0)]);

/**
 * X25519 (RFC 7748) of a 32-byte little-endian scalar and a u-coordinate, with keys imported from DER and
 * nothing exported or generated: Node 20 can deadlock when a garbage collection runs while a generated
 * X25519 key is exported as JWK (seen here filling a store with 10,000 credentials in one process).
 */
export function x25519(scalar: Buffer, point: Buffer, crypto: typeof NodeCrypto): Buffer {
  const privateKey = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_X25519, scalar]), format: 'der', type: 'pkcs8' });
  const publicKey = crypto.createPublicKey({ key: Buffer.concat([SPKI_X25519, point]), format: 'der', type: 'spki' });
  return crypto.diffieHellman({ privateKey, publicKey });
}

/** The public key (u-coordinate) of an X25519 scalar. */
export function x25519Public(scalar: Buffer, crypto: typeof NodeCrypto): Buffer {
  return x25519(scalar, BASE_POINT, crypto);
}

const WRAP_IV = 'a6a6a6a6a6a6a6a6';

/** RFC 3394 key wrap with AES-ECB (bun's node:crypto has no id-aesNNN-wrap cipher). */
export function aesKeyWrap(kek: Buffer, plain: Buffer, crypto: typeof NodeCrypto): Buffer {
  const n = plain.length / 8;
  if (!Number.isInteger(n) || n < 2) unsupported();
  const aes = crypto.createCipheriv(`aes-${kek.length * 8}-ecb`, kek, null);
  aes.setAutoPadding(false);
  let a = Buffer.from(WRAP_IV, 'hex');
  const r = Array.from({ length: n }, (_, i) => Buffer.from(plain.subarray(8 * i, 8 * (i + 1))));
  for (let j = 0; j <= 5; j++) {
    for (let i = 1; i <= n; i++) {
      const b = aes.update(Buffer.concat([a, r[i - 1] as Buffer]));
      a = Buffer.from(b.subarray(0, 8));
      a.writeBigUInt64BE(a.readBigUInt64BE(0) ^ BigInt(n * j + i), 0);
      r[i - 1] = Buffer.from(b.subarray(8, 16));
    }
  }
  return Buffer.concat([a, ...r]);
}

/** RFC 3394 key unwrap; gives up when the integrity check value does not match. */
export function aesKeyUnwrap(kek: Buffer, wrapped: Buffer, crypto: typeof NodeCrypto): Buffer {
  const n = wrapped.length / 8 - 1;
  if (!Number.isInteger(n) || n < 2) unsupported();
  const aes = crypto.createDecipheriv(`aes-${kek.length * 8}-ecb`, kek, null);
  aes.setAutoPadding(false);
  let a = Buffer.from(wrapped.subarray(0, 8));
  const r = Array.from({ length: n }, (_, i) => Buffer.from(wrapped.subarray(8 * (i + 1), 8 * (i + 2))));
  for (let j = 5; j >= 0; j--) {
    for (let i = n; i >= 1; i--) {
      a.writeBigUInt64BE(a.readBigUInt64BE(0) ^ BigInt(n * j + i), 0);
      const b = aes.update(Buffer.concat([a, r[i - 1] as Buffer]));
      a = Buffer.from(b.subarray(0, 8));
      r[i - 1] = Buffer.from(b.subarray(8, 16));
    }
  }
  if (a.toString('hex') !== WRAP_IV) unsupported();
  return Buffer.concat(r);
}

/** The two-octet sum of the session key's bytes that follows it in a PKESK (RFC 4880 5.1). */
export function sessionKeyChecksum(key: Buffer): number {
  let sum = 0;
  for (const byte of key) sum = (sum + byte) & 0xffff;
  return sum;
}
