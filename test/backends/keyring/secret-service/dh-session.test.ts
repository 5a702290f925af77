/**
 * The Secret Service session crypto against node:crypto, used here as the independent reference:
 * its own Diffie-Hellman in the same group, its HKDF, its AES-128-CBC.
 */
import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MODP_1024,
  SessionCryptoError,
  bigIntToBytes,
  bytesToBigInt,
  createKeyPair,
  decryptSecret,
  deriveSessionKey,
  modPow,
  sharedSecret,
} from '../../../../src/backends/keyring/secret-service/dh-session.js';

const PRIME = Buffer.from(MODP_1024.toString(16), 'hex');

/** RFC 2409's Second Oakley Group, as printed there (so MODP_1024 is checked, not assumed). */
const RFC_2409_GROUP_2 = `
FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1
29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD
EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245
E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED
EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE65381
FFFFFFFF FFFFFFFF`;

function encrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const cipher = nodeCrypto.createCipheriv('aes-128-cbc', key, iv);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]);
}

function referenceKey(shared: Uint8Array): Uint8Array {
  return new Uint8Array(nodeCrypto.hkdfSync('sha256', shared, new Uint8Array(0), new Uint8Array(0), 16));
}

describe('dh-ietf1024-sha256-aes128-cbc-pkcs7: Diffie-Hellman', () => {
  it('uses the 1024-bit MODP group of RFC 2409', () => {
    expect(MODP_1024).toBe(BigInt(`0x${RFC_2409_GROUP_2.replace(/\s+/g, '')}`));
    expect(MODP_1024.toString(2)).toHaveLength(1024);
  });

  it('agrees with node:crypto on the shared secret, both ways, padded to 128 bytes', () => {
    const service = nodeCrypto.createDiffieHellman(PRIME, Buffer.from([2]));
    const servicePublic = service.generateKeys();
    for (const exponent of [2n, 0xdeadbeefn, bytesToBigInt(nodeCrypto.randomBytes(32)), MODP_1024 - 2n]) {
      const pair = createKeyPair(exponent);
      expect(pair.publicKey).toHaveLength(128);
      expect(bytesToBigInt(pair.publicKey)).toBe(modPow(2n, exponent, MODP_1024));
      const ours = sharedSecret(pair, servicePublic);
      expect(ours).toHaveLength(128);
      // node:crypto pads its secret to the prime's length too, as gnome-keyring does.
      expect(Buffer.from(ours).toString('hex')).toBe(service.computeSecret(pair.publicKey).toString('hex'));
    }
  });

  it('a random key pair has a 256-bit exponent and works with node:crypto', () => {
    const pair = createKeyPair();
    expect(pair.privateExponent).toBeGreaterThan(1n);
    expect(pair.privateExponent < 1n << 256n).toBe(true);
    expect(createKeyPair().privateExponent).not.toBe(pair.privateExponent);
    const service = nodeCrypto.createDiffieHellman(PRIME, Buffer.from([2]));
    const servicePublic = service.generateKeys();
    expect(Buffer.from(sharedSecret(pair, servicePublic)).equals(service.computeSecret(pair.publicKey))).toBe(true);
  });

  it('keeps the leading zero bytes of a small shared secret', () => {
    // 2^3 = 8: the secret is 127 zero bytes and an 8.
    const secret = sharedSecret(createKeyPair(3n), new Uint8Array([2]));
    expect(secret).toHaveLength(128);
    expect(secret[127]).toBe(8);
    expect(secret.subarray(0, 127).every((byte) => byte === 0)).toBe(true);
    expect(bigIntToBytes(1n, 4)).toEqual(new Uint8Array([0, 0, 0, 1]));
    expect(() => bigIntToBytes(1n << 40n, 4)).toThrow(SessionCryptoError);
  });

  it('refuses a public key of the service that would give a guessable secret', () => {
    const pair = createKeyPair(12345n);
    for (const bad of [0n, 1n, MODP_1024 - 1n, MODP_1024, MODP_1024 + 5n]) {
      expect(() => sharedSecret(pair, bigIntToBytes(bad, 129))).toThrow(SessionCryptoError);
    }
    expect(() => sharedSecret(pair, new Uint8Array(0))).toThrow(SessionCryptoError);
  });
});

describe('dh-ietf1024-sha256-aes128-cbc-pkcs7: the session key and AES', () => {
  it('derives the AES key as HKDF-SHA256 with no salt and empty info (fixed vector from node:crypto)', async () => {
    const shared = new Uint8Array(128).map((_, index) => (index * 7 + 3) & 0xff);
    shared[0] = 0;
    expect(Buffer.from(referenceKey(shared)).toString('hex')).toBe('4fe39edeef43b990917a13804b83f1e2');
    const iv = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const ciphertext = Buffer.from('373da90e23cefa53113cb2732a564367f31f893eb8f9076af0daa94e5ea93b6992b15589ffa8cec262b24937b8f97871', 'hex');
    const plaintext = await decryptSecret(await deriveSessionKey(shared), iv, ciphertext);
    expect(new TextDecoder().decode(plaintext)).toBe('{"tsstore":1,"Username":"ü","Secret":"🔑"}');
  });

  it('decrypts what node:crypto encrypts, byte for byte: empty, one block, non-ASCII, long', async () => {
    const service = nodeCrypto.createDiffieHellman(PRIME, Buffer.from([2]));
    const servicePublic = service.generateKeys();
    const pair = createKeyPair();
    const serviceKey = referenceKey(service.computeSecret(pair.publicKey));
    const key = await deriveSessionKey(sharedSecret(pair, servicePublic));
    const long = nodeCrypto.randomBytes(200_000);
    for (const plaintext of [new Uint8Array(0), Buffer.from('0123456789abcdef'), Buffer.from('pä$$ "q" \\ 🔑 <&>', 'utf8'), long]) {
      const iv = nodeCrypto.randomBytes(16);
      const decrypted = await decryptSecret(key, iv, encrypt(serviceKey, iv, plaintext));
      expect(Buffer.from(decrypted).equals(Buffer.from(plaintext))).toBe(true);
    }
  });

  it('a wrong key or a malformed secret is an error that says nothing of the secret', async () => {
    const iv = nodeCrypto.randomBytes(16);
    const ciphertext = encrypt(nodeCrypto.randomBytes(16), iv, Buffer.from('the-secret-text'));
    const key = await deriveSessionKey(nodeCrypto.randomBytes(128));
    const failure = await decryptSecret(key, iv, ciphertext).then(
      () => undefined,
      (error: unknown) => error,
    );
    // A wrong key almost always breaks the padding; when it does not, the bytes are garbage, never the secret.
    if (failure !== undefined) {
      expect(failure).toBeInstanceOf(SessionCryptoError);
      expect(failure instanceof Error ? `${failure.name}: ${failure.message}` : '').not.toContain('the-secret-text');
    }
    await expect(decryptSecret(key, iv.subarray(0, 8), ciphertext)).rejects.toThrow(SessionCryptoError);
    await expect(decryptSecret(key, iv, ciphertext.subarray(0, 15))).rejects.toThrow(SessionCryptoError);
    await expect(decryptSecret(key, iv, new Uint8Array(0))).rejects.toThrow(SessionCryptoError);
  });
});
