/**
 * The Secret Service's "dh-ietf1024-sha256-aes128-cbc-pkcs7" session algorithm, as libsecret and
 * gnome-keyring speak it: Diffie-Hellman in the 1024-bit MODP group of RFC 2409 (generator 2), the
 * shared secret padded to the prime's 128 bytes, HKDF-SHA256 (no salt, empty info) to a 128-bit key,
 * AES-128-CBC with PKCS#7 padding and the secret's "parameters" as IV.
 *
 * The modular exponentiation is libgcrypt's in the bun single file (gcrypt-mpi.ts), BigInt elsewhere
 * (Node.js, no libgcrypt); both give the same bytes. AES and HKDF: session-cipher.ts (libgcrypt and
 * bun's HMAC in the single file), or Web Crypto, here. Under bun, node:crypto costs ~13 ms to load and its
 * createDiffieHellman ~60 ms more (it checks the prime).
 *
 * Measured on the single file, a keyring `get` hit against gnome-keyring (valgrind instructions; perf
 * stat page faults, 21 runs, twice): BigInt 22.4-22.6 M, 1604-1640 faults; libgcrypt 22.1 M, 1475-1492.
 * Few instructions saved: bun's own work falls by 4.7 M, but libgcrypt's powm (not Montgomery, with
 * constant-time table lookups) takes 2.2 M per 1024-bit exponentiation. The faults are what pays: the
 * BigInt steps allocated enough heap to start JavaScriptCore's warm-up thread (BUN_JSC_useWarmUpMarkedBlocks=0
 * saves the same ~170). GNU MP's mpz_powm_sec, also measured (libgmp.so.10, one more library), does both
 * in 2.3 M (a get hit 20.2 M), the same faults and no clear gain in time: not taken.
 */

import type { webcrypto } from 'node:crypto';
import { type ModPow, gcryptModPow } from './gcrypt-mpi.js';

/** An AES key held by Web Crypto (not extractable). */
export type SessionKey = webcrypto.CryptoKey;

export const DH_ALGORITHM = 'dh-ietf1024-sha256-aes128-cbc-pkcs7';

/** RFC 2409, section 6.2: the Second Oakley Group, big-endian hex. */
const MODP_1024_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF';
export const PRIME_BYTES = 128;
const GENERATOR = Uint8Array.of(2);

export class SessionCryptoError extends Error {
  override readonly name = 'SessionCryptoError';
}

export interface DhKeyPair {
  /** Big-endian; 32 random bytes unless a test gives it. */
  privateKey: Uint8Array;
  /** Big-endian, padded to 128 bytes. */
  publicKey: Uint8Array;
}

/** Big-endian hex (an even number of digits) to bytes; no Buffer: its first use costs the single file 0.4 M instructions. */
export function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let index = 0; index < bytes.length; index++) bytes[index] = parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}

let prime: Uint8Array | undefined;

/** The group's prime, 128 bytes, big-endian (a fresh copy is not needed: nothing writes to it). */
export function modp1024(): Uint8Array {
  prime ??= hexToBytes(MODP_1024_HEX);
  return prime;
}

const HEX_DIGITS = '0123456789abcdef';

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = '0x0';
  for (const byte of bytes) hex += HEX_DIGITS.charAt(byte >> 4) + HEX_DIGITS.charAt(byte & 15);
  return BigInt(hex);
}

/** Big-endian, left-padded with zeros to `length` bytes. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16);
  if (hex.length > length * 2) throw new SessionCryptoError('number too large');
  return hexToBytes(hex.padStart(length * 2, '0'));
}

/** base^exponent mod modulus, left to right, one bit at a time. */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  const value = base % modulus;
  for (let bit = BigInt(exponent.toString(2).length - 1); bit >= 0n; bit--) {
    result = (result * result) % modulus;
    if ((exponent >> bit) & 1n) result = (result * value) % modulus;
  }
  return result;
}

/** 2^exponent mod modulus: with base 2 each multiplication is a shift. */
function powerOfTwo(exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  for (let bit = BigInt(exponent.toString(2).length - 1); bit >= 0n; bit--) {
    result = (result * result) % modulus;
    if ((exponent >> bit) & 1n) {
      result <<= 1n;
      if (result >= modulus) result -= modulus;
    }
  }
  return result;
}

/** The BigInt fallback of gcrypt-mpi.ts's ModPow (Node.js, no libgcrypt): the same bytes. */
export const bigIntModPow: ModPow = (base, exponent, modulus, length) => {
  const b = bytesToBigInt(base);
  const e = bytesToBigInt(exponent);
  const m = bytesToBigInt(modulus);
  return bigIntToBytes(b === 2n ? powerOfTwo(e, m) : modPow(b, e, m), length);
};

/** libgcrypt's where this process has it, BigInt otherwise. */
export function sessionModPow(): ModPow {
  return gcryptModPow() ?? bigIntModPow;
}

/** Whether a big-endian number is at least 2. */
function atLeastTwo(bytes: Uint8Array): boolean {
  for (let index = 0; index < bytes.length - 1; index++) if (bytes[index] !== 0) return true;
  return (bytes[bytes.length - 1] ?? 0) >= 2;
}

/** Whether a big-endian number is 2..p-2: 0, 1 and p-1 would give a secret anyone can guess, p and more are no key. */
export function usablePeerKey(peer: Uint8Array, p: Uint8Array = modp1024()): boolean {
  if (!atLeastTwo(peer)) return false;
  let start = 0;
  while (start < peer.length && peer[start] === 0) start++;
  const length = peer.length - start;
  if (length !== p.length) return length < p.length;
  // Same length: below p - 1. p is odd, so p - 1 differs from p only in its last byte.
  for (let index = 0; index < length; index++) {
    const limit = (p[index] as number) - (index === length - 1 ? 1 : 0);
    const digit = peer[start + index] as number;
    if (digit !== limit) return digit < limit;
  }
  return false; // equal to p - 1
}

/**
 * A key pair with a 256-bit private exponent (twice the group's ~80-bit strength, as usual for it).
 * `privateKey` is for tests; otherwise it comes from the Web Crypto random generator.
 */
export function createKeyPair(privateKey?: Uint8Array, power: ModPow = sessionModPow()): DhKeyPair {
  let exponent = privateKey;
  while (exponent === undefined || !atLeastTwo(exponent)) exponent = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return { privateKey: exponent, publicKey: power(GENERATOR, exponent, modp1024(), PRIME_BYTES) };
}

/** The shared secret with the service's public key, padded to 128 bytes as gnome-keyring pads it. */
export function sharedSecret(pair: DhKeyPair, peerPublicKey: Uint8Array, power: ModPow = sessionModPow()): Uint8Array {
  if (!usablePeerKey(peerPublicKey)) throw new SessionCryptoError('the service sent an unusable public key');
  return power(peerPublicKey, pair.privateKey, modp1024(), PRIME_BYTES);
}

/** HKDF-SHA256 of the shared secret, no salt (RFC 5869: a hash-length of zeros), empty info, 16 bytes. */
export async function deriveSessionKey(shared: Uint8Array): Promise<SessionKey> {
  const subtle = globalThis.crypto.subtle;
  const material = await subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey']);
  return subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: new Uint8Array(0) },
    material,
    { name: 'AES-CBC', length: 128 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** The secret's bytes: AES-128-CBC with the item's parameters as IV, PKCS#7 padding removed. */
export async function decryptSecret(key: SessionKey, iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array> {
  if (iv.length !== 16 || ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
    throw new SessionCryptoError('the service sent a secret that is not AES-128-CBC');
  }
  try {
    return new Uint8Array(await globalThis.crypto.subtle.decrypt({ name: 'AES-CBC', iv }, key, ciphertext));
  } catch {
    // Never the platform's text: it says nothing useful, and nothing here may echo secret material.
    throw new SessionCryptoError('the secret from the service did not decrypt');
  }
}

/** A secret for the service: AES-128-CBC with PKCS#7 padding under a fresh random IV (the "parameters"). */
export async function encryptSecret(key: SessionKey, plaintext: Uint8Array): Promise<{ iv: Uint8Array; ciphertext: Uint8Array }> {
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(16));
  try {
    // Web Crypto's AES-CBC always pads with PKCS#7, as the session algorithm wants.
    return { iv, ciphertext: new Uint8Array(await globalThis.crypto.subtle.encrypt({ name: 'AES-CBC', iv }, key, plaintext)) };
  } catch {
    throw new SessionCryptoError('the secret could not be encrypted for the service');
  }
}

/** Starts Web Crypto's one-time set-up (~3 ms under bun) while D-Bus answers are on their way. */
export function warmUpWebCrypto(): void {
  globalThis.crypto.subtle.digest('SHA-256', new Uint8Array(0)).catch(() => undefined);
}
