/**
 * The Secret Service session crypto against node:crypto, used here as the independent reference:
 * its own Diffie-Hellman in the same group, its HKDF, its AES-128-CBC.
 */
import * as nodeCrypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PRIME_BYTES,
  SessionCryptoError,
  bigIntModPow,
  bigIntToBytes,
  bytesToBigInt,
  createKeyPair,
  decryptSecret,
  deriveSessionKey,
  hexToBytes,
  modPow,
  modp1024,
  sharedSecret,
  usablePeerKey,
} from '../../../../src/backends/keyring/secret-service/dh-session.js';

const PRIME = Buffer.from(modp1024());
const P = bytesToBigInt(modp1024());

/** RFC 2409's Second Oakley Group, as printed there (so the prime is checked, not assumed). */
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

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('dh-ietf1024-sha256-aes128-cbc-pkcs7: Diffie-Hellman', () => {
  it('uses the 1024-bit MODP group of RFC 2409', () => {
    expect(hex(modp1024())).toBe(RFC_2409_GROUP_2.replace(/\s+/g, '').toLowerCase());
    expect(modp1024()).toHaveLength(PRIME_BYTES);
    expect(P.toString(2)).toHaveLength(1024);
  });

  it('converts between bytes and numbers without Buffer, keeping leading zeros', () => {
    expect(hexToBytes('00ff10')).toEqual(Uint8Array.of(0, 255, 16));
    expect(bytesToBigInt(Uint8Array.of(0, 1, 0))).toBe(256n);
    expect(bytesToBigInt(new Uint8Array(0))).toBe(0n);
    expect(bigIntToBytes(1n, 4)).toEqual(new Uint8Array([0, 0, 0, 1]));
    expect(() => bigIntToBytes(1n << 40n, 4)).toThrow(SessionCryptoError);
  });

  it('agrees with node:crypto on the shared secret, both ways, padded to 128 bytes', () => {
    const service = nodeCrypto.createDiffieHellman(PRIME, Buffer.from([2]));
    const servicePublic = service.generateKeys();
    for (const exponent of [2n, 0xdeadbeefn, bytesToBigInt(nodeCrypto.randomBytes(32)), P - 2n]) {
      const pair = createKeyPair(bigIntToBytes(exponent, 128));
      expect(pair.publicKey).toHaveLength(128);
      expect(bytesToBigInt(pair.publicKey)).toBe(modPow(2n, exponent, P));
      const ours = sharedSecret(pair, servicePublic);
      expect(ours).toHaveLength(128);
      // node:crypto pads its secret to the prime's length too, as gnome-keyring does.
      expect(hex(ours)).toBe(service.computeSecret(pair.publicKey).toString('hex'));
    }
  });

  it('a random key pair has a 256-bit exponent and works with node:crypto', () => {
    const pair = createKeyPair();
    expect(pair.privateKey).toHaveLength(32);
    expect(bytesToBigInt(pair.privateKey)).toBeGreaterThan(1n);
    expect(hex(createKeyPair().privateKey)).not.toBe(hex(pair.privateKey));
    const service = nodeCrypto.createDiffieHellman(PRIME, Buffer.from([2]));
    const servicePublic = service.generateKeys();
    expect(Buffer.from(sharedSecret(pair, servicePublic)).equals(service.computeSecret(pair.publicKey))).toBe(true);
  });

  it('never takes 0 or 1 as the private exponent', () => {
    // A given exponent below 2 is replaced by a random one, as the random generator's would be.
    for (const low of [new Uint8Array(32), Uint8Array.of(...new Uint8Array(31), 1)]) {
      expect(bytesToBigInt(createKeyPair(low).privateKey)).toBeGreaterThan(1n);
    }
  });

  it('keeps the leading zero bytes of a small shared secret', () => {
    // 2^3 = 8: the secret is 127 zero bytes and an 8.
    const secret = sharedSecret(createKeyPair(Uint8Array.of(3)), new Uint8Array([2]));
    expect(secret).toHaveLength(128);
    expect(secret[127]).toBe(8);
    expect(secret.subarray(0, 127).every((byte) => byte === 0)).toBe(true);
  });

  it('refuses a public key of the service that would give a guessable secret, and takes 2 and p-2', () => {
    const pair = createKeyPair(Uint8Array.of(0x30, 0x39));
    for (const bad of [0n, 1n, P - 1n, P, P + 5n, (1n << 1032n) - 1n]) {
      expect(usablePeerKey(bigIntToBytes(bad, 130)), String(bad)).toBe(false);
      expect(() => sharedSecret(pair, bigIntToBytes(bad, 130))).toThrow(SessionCryptoError);
    }
    expect(() => sharedSecret(pair, new Uint8Array(0))).toThrow(SessionCryptoError);
    for (const good of [2n, 255n, 256n, P - 2n, P - 256n, (P - 1n) ^ (1n << 8n)]) {
      expect(usablePeerKey(bigIntToBytes(good, 128)), String(good)).toBe(true);
      expect(usablePeerKey(bigIntToBytes(good, 131)), String(good)).toBe(true);
    }
    expect(() => sharedSecret(pair, bigIntToBytes(P - 2n, 128))).not.toThrow();
  });

  it('the BigInt exponentiation agrees with node:crypto for random bases and exponents (property)', () => {
    // One reference, its prime checked once (createDiffieHellman checks it on every call).
    const reference = nodeCrypto.createDiffieHellman(PRIME, Buffer.from([2]));
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 128 }), fc.uint8Array({ minLength: 1, maxLength: 40 }), (base, exponent) => {
        const b = bytesToBigInt(base) % P;
        fc.pre(b >= 2n && b <= P - 2n && bytesToBigInt(exponent) >= 2n);
        // node:crypto's Diffie-Hellman with `exponent` as private key and `base` as the peer's public key.
        reference.setPrivateKey(Buffer.from(exponent));
        const expected = reference.computeSecret(Buffer.from(bigIntToBytes(b, 128))).toString('hex');
        expect(hex(bigIntModPow(bigIntToBytes(b, 128), exponent, modp1024(), 128))).toBe(expected);
      }),
      { numRuns: 200 },
    );
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
