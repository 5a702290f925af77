/**
 * The session's cipher, from the Diffie-Hellman shared secret: HKDF-SHA256 (no salt, empty info) to
 * a 128-bit key, AES-128-CBC with PKCS#7 padding (dh-session.ts says why those). In the bun single
 * file on Linux it is synchronous: HMAC from Bun.CryptoHasher, AES from libgcrypt (gcrypt-aes.ts),
 * so a `get` never waits on bun's event loop. Anywhere else (Node.js, no libgcrypt) it is Web Crypto.
 */
import { type AesCbc, gcryptAesCbc } from './gcrypt-aes.js';
import { SessionCryptoError, decryptSecret, deriveSessionKey, encryptSecret, warmUpWebCrypto } from './dh-session.js';

export interface SessionCipher {
  /** The secret's bytes: AES-128-CBC with the item's parameters as IV, PKCS#7 padding removed. */
  decrypt(iv: Uint8Array, ciphertext: Uint8Array): Promise<Uint8Array>;
  /** A secret for the service, under a fresh random IV (the "parameters"). */
  encrypt(plaintext: Uint8Array): Promise<{ iv: Uint8Array; ciphertext: Uint8Array }>;
}

type HmacSha256 = (key: Uint8Array, data: Uint8Array) => Uint8Array;

interface BunCryptoHasher {
  update(data: Uint8Array): BunCryptoHasher;
  digest(): Uint8Array;
}

/** Bun's native, synchronous HMAC-SHA256 (CryptoHasher with a key); undefined outside bun. */
function bunHmacSha256(): HmacSha256 | undefined {
  const Hasher = (globalThis as { Bun?: { CryptoHasher?: new (algorithm: string, key?: Uint8Array) => BunCryptoHasher } }).Bun?.CryptoHasher;
  if (!Hasher) return undefined;
  return (key, data) => new Uint8Array(new Hasher('sha256', key).update(data).digest());
}

/** HKDF-SHA256 (RFC 5869) with no salt (a hash-length of zeros) and empty info, 16 bytes. */
export function hkdfSha256To16(hmac: HmacSha256, inputKey: Uint8Array): Uint8Array {
  const pseudoRandomKey = hmac(new Uint8Array(32), inputKey);
  // T(1) = HMAC(PRK, info || 0x01); 16 bytes need only T(1).
  const okm = hmac(pseudoRandomKey, new Uint8Array([1])).slice(0, 16);
  pseudoRandomKey.fill(0);
  return okm;
}

/** PKCS#7: 1 to 16 bytes, each holding the count. */
export function pad(plaintext: Uint8Array): Uint8Array {
  const count = 16 - (plaintext.length % 16);
  const padded = new Uint8Array(plaintext.length + count);
  padded.set(plaintext);
  padded.fill(count, plaintext.length);
  return padded;
}

/** The plaintext without its PKCS#7 padding; undefined when the padding is not one. */
export function unpad(padded: Uint8Array): Uint8Array | undefined {
  const count = padded[padded.length - 1] ?? 0;
  if (count < 1 || count > 16 || count > padded.length) return undefined;
  for (let index = padded.length - count; index < padded.length; index++) if (padded[index] !== count) return undefined;
  return padded.subarray(0, padded.length - count);
}

/** The cipher with a raw key and a synchronous AES, both given (tests pass Node's). */
export function directCipher(key: Uint8Array, aes: AesCbc): SessionCipher {
  return {
    decrypt(iv, ciphertext) {
      if (iv.length !== 16 || ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
        return Promise.reject(new SessionCryptoError('the service sent a secret that is not AES-128-CBC'));
      }
      let plaintext: Uint8Array | undefined;
      try {
        plaintext = unpad(aes.decrypt(key, iv, ciphertext));
      } catch {
        plaintext = undefined;
      }
      // Never the library's text: nothing here may echo secret material.
      return plaintext ? Promise.resolve(plaintext) : Promise.reject(new SessionCryptoError('the secret from the service did not decrypt'));
    },
    encrypt(plaintext) {
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(16));
      const padded = pad(plaintext);
      try {
        return Promise.resolve({ iv, ciphertext: aes.encrypt(key, iv, padded) });
      } catch {
        return Promise.reject(new SessionCryptoError('the secret could not be encrypted for the service'));
      } finally {
        padded.fill(0);
      }
    },
  };
}

export type CipherMaker = (shared: Uint8Array) => Promise<SessionCipher>;

/** Web Crypto's: anywhere the synchronous parts cannot be had (Node.js, no libgcrypt). */
const webCryptoMaker: CipherMaker = async (shared) => {
  const key = await deriveSessionKey(shared);
  return {
    decrypt: (iv, ciphertext) => decryptSecret(key, iv, ciphertext),
    encrypt: (plaintext) => encryptSecret(key, plaintext),
  };
};

let maker: CipherMaker | undefined;

/**
 * How this process makes the session's cipher from the shared secret, decided once: synchronous where
 * the single file can have it (bun's HMAC and libgcrypt's AES), else Web Crypto, whose one-time set-up
 * (~3 ms under bun) this starts now, for the session about to be opened, while the service answers.
 */
export function sessionCipherMaker(): CipherMaker {
  if (!maker) {
    const hmac = bunHmacSha256();
    const aes = hmac && gcryptAesCbc();
    maker = hmac && aes ? (shared) => Promise.resolve(directCipher(hkdfSha256To16(hmac, shared), aes)) : webCryptoMaker;
  }
  if (maker === webCryptoMaker) warmUpWebCrypto();
  return maker;
}
