/**
 * The synchronous session cipher (the single file's: bun's HMAC, libgcrypt's AES) against node:crypto
 * as the independent reference, with node:crypto standing in for the two native parts, and against
 * the Web Crypto cipher it replaces: each decrypts what the other encrypts. The native parts
 * themselves are exercised by the e2e tests on the built file (a real gnome-keyring).
 */
import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SessionCryptoError, decryptSecret, deriveSessionKey, encryptSecret } from '../../../../src/backends/keyring/secret-service/dh-session.js';
import type { AesCbc } from '../../../../src/backends/keyring/secret-service/gcrypt-aes.js';
import { directCipher, hkdfSha256To16, pad, unpad } from '../../../../src/backends/keyring/secret-service/session-cipher.js';

const nodeHmac = (key: Uint8Array, data: Uint8Array) => new Uint8Array(nodeCrypto.createHmac('sha256', key).update(data).digest());

/** AES-128-CBC without padding, as gcrypt-aes.ts gives it. */
const nodeAes: AesCbc = {
  encrypt(key, iv, data) {
    const cipher = nodeCrypto.createCipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
    return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
  },
  decrypt(key, iv, data) {
    const decipher = nodeCrypto.createDecipheriv('aes-128-cbc', key, iv).setAutoPadding(false);
    return new Uint8Array(Buffer.concat([decipher.update(data), decipher.final()]));
  },
};

const texts = ['', 'x', '0123456789abcde', '0123456789abcdef', '{"tsstore":1,"Username":"ü","Secret":"🔑"}', 'ẞ'.repeat(5000)].map((text) => new TextEncoder().encode(text));

describe('the synchronous session cipher', () => {
  it('derives the key RFC 5869 HKDF-SHA256 derives (no salt, empty info, 16 bytes)', () => {
    for (const length of [1, 127, 128]) {
      const shared = nodeCrypto.randomBytes(length);
      expect(hkdfSha256To16(nodeHmac, shared)).toEqual(new Uint8Array(nodeCrypto.hkdfSync('sha256', shared, new Uint8Array(0), new Uint8Array(0), 16)));
    }
  });

  it('pads with PKCS#7 and refuses anything that is not a PKCS#7 padding', () => {
    expect(pad(new Uint8Array(0))).toEqual(new Uint8Array(16).fill(16));
    expect(pad(new Uint8Array(15))).toEqual(Uint8Array.of(...new Uint8Array(15), 1));
    for (const text of texts) expect(unpad(pad(text))).toEqual(text);
    expect(unpad(Uint8Array.of(...new Uint8Array(15), 0))).toBeUndefined();
    expect(unpad(Uint8Array.of(...new Uint8Array(15), 17))).toBeUndefined();
    expect(unpad(Uint8Array.of(...new Uint8Array(14), 3, 2))).toBeUndefined();
  });

  it('decrypts what the Web Crypto cipher encrypts, and the other way round, byte for byte', async () => {
    const shared = nodeCrypto.randomBytes(128);
    const webKey = await deriveSessionKey(shared);
    const direct = directCipher(hkdfSha256To16(nodeHmac, shared), nodeAes);
    for (const text of texts) {
      const fromWeb = await encryptSecret(webKey, text);
      expect(await direct.decrypt(fromWeb.iv, fromWeb.ciphertext)).toEqual(text);
      const fromDirect = await direct.encrypt(text);
      expect(fromDirect.iv).toHaveLength(16);
      expect(await decryptSecret(webKey, fromDirect.iv, fromDirect.ciphertext)).toEqual(text);
    }
  });

  it('refuses a plaintext without PKCS#7 padding, a bad length and a bad IV with its own words, never the library\'s', async () => {
    const key = new Uint8Array(16).fill(1);
    const direct = directCipher(key, nodeAes);
    const iv = new Uint8Array(16).fill(7);
    // What a wrong key usually gives: a last block that does not end in a padding.
    const ciphertext = nodeAes.encrypt(key, iv, Uint8Array.of(...new Uint8Array(31), 0));
    await expect(direct.decrypt(iv, ciphertext)).rejects.toThrow(new SessionCryptoError('the secret from the service did not decrypt'));
    await expect(direct.decrypt(iv, ciphertext.subarray(1))).rejects.toThrow('the service sent a secret that is not AES-128-CBC');
    await expect(direct.decrypt(iv.subarray(1), ciphertext)).rejects.toThrow('the service sent a secret that is not AES-128-CBC');
    await expect(direct.decrypt(iv, new Uint8Array(0))).rejects.toThrow('the service sent a secret that is not AES-128-CBC');
  });
});
