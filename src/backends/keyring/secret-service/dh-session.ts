/**
 * The Secret Service's "dh-ietf1024-sha256-aes128-cbc-pkcs7" session algorithm, as libsecret and
 * gnome-keyring speak it: Diffie-Hellman in the 1024-bit MODP group of RFC 2409 (generator 2), the
 * shared secret padded to the prime's 128 bytes, HKDF-SHA256 (no salt, empty info) to a 128-bit key,
 * AES-128-CBC with PKCS#7 padding and the secret's "parameters" as IV.
 *
 * The modular exponentiation is BigInt, AES and HKDF are Web Crypto: under bun, node:crypto costs
 * ~13 ms to load and its createDiffieHellman ~60 ms more (it checks the prime), against ~5 ms here.
 */

import type { webcrypto } from 'node:crypto';

/** An AES key held by Web Crypto (not extractable). */
export type SessionKey = webcrypto.CryptoKey;

export const DH_ALGORITHM = 'dh-ietf1024-sha256-aes128-cbc-pkcs7';

/** RFC 2409, section 6.2: the Second Oakley Group. */
export const MODP_1024 = BigInt(
  '0xFFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
    'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
    'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF',
);
const PRIME_BYTES = 128;

export class SessionCryptoError extends Error {
  override readonly name = 'SessionCryptoError';
}

export interface DhKeyPair {
  privateExponent: bigint;
  /** Big-endian, padded to 128 bytes. */
  publicKey: Uint8Array;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
}

/** Big-endian, left-padded with zeros to `length` bytes. */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16);
  if (hex.length > length * 2) throw new SessionCryptoError('number too large');
  return new Uint8Array(Buffer.from(hex.padStart(length * 2, '0'), 'hex'));
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

/**
 * A key pair with a 256-bit private exponent (twice the group's ~80-bit strength, as usual for it).
 * `privateExponent` is for tests; otherwise it comes from the Web Crypto random generator.
 */
export function createKeyPair(privateExponent?: bigint): DhKeyPair {
  let exponent = privateExponent;
  while (exponent === undefined || exponent < 2n) exponent = bytesToBigInt(globalThis.crypto.getRandomValues(new Uint8Array(32)));
  return { privateExponent: exponent, publicKey: bigIntToBytes(powerOfTwo(exponent, MODP_1024), PRIME_BYTES) };
}

/** The shared secret with the service's public key, padded to 128 bytes as gnome-keyring pads it. */
export function sharedSecret(pair: DhKeyPair, peerPublicKey: Uint8Array): Uint8Array {
  const peer = bytesToBigInt(peerPublicKey);
  // 0, 1 and p-1 would give a secret anyone can guess.
  if (peer <= 1n || peer >= MODP_1024 - 1n) throw new SessionCryptoError('the service sent an unusable public key');
  return bigIntToBytes(modPow(peer, pair.privateExponent, MODP_1024), PRIME_BYTES);
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
