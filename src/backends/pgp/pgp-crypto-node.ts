/**
 * The fast paths' primitives from node:crypto (pgp-crypto.ts): under Node.js (the npm package), and in
 * the single file where libgcrypt cannot be had. node:crypto is loaded on first use.
 */
import type * as NodeCrypto from 'node:crypto';
import { nodeCrypto } from '../../runtime/lazy-crypto.js';
import { unsupported } from './openpgp-packets.js';
import type { HashName, PgpCrypto } from './pgp-crypto.js';

// The fixed DER framing of an X25519 private key (PKCS#8) and public key (SPKI) around their 32 bytes,
// decoded when used: the single file loads this module even where libgcrypt serves.
const PKCS8_X25519 = '302e020100300506032b656e04220420';
const SPKI_X25519 = '302a300506032b656e032100';
const WRAP_IV = 'a6a6a6a6a6a6a6a6';

let made: PgpCrypto | undefined;

export function nodePgpCrypto(): PgpCrypto {
  made ??= {
    library: 'node:crypto',
    x25519: (scalar, point) => x25519(scalar, point, nodeCrypto()),
    hash: (algorithm: HashName, data) => nodeCrypto().createHash(algorithm).update(data).digest(),
    keyWrap: (kek, plain) => aesKeyWrap(Buffer.from(kek), Buffer.from(plain), nodeCrypto()),
    keyUnwrap: (kek, wrapped) => aesKeyUnwrap(Buffer.from(kek), Buffer.from(wrapped), nodeCrypto()),
    cfb: (direction, key, data) => {
      const crypto = nodeCrypto();
      const name = `aes-${key.length * 8}-cfb`;
      const cipher = direction === 'encrypt' ? crypto.createCipheriv(name, key, Buffer.alloc(16)) : crypto.createDecipheriv(name, key, Buffer.alloc(16));
      return Buffer.concat([cipher.update(data), cipher.final()]);
    },
    randomBytes: (count) => nodeCrypto().randomBytes(count),
  };
  return made;
}

/**
 * X25519 with keys imported from DER and nothing exported or generated: Node 20 can deadlock when a
 * garbage collection runs while a generated X25519 key is exported as JWK (seen here filling a store
 * with 10,000 credentials in one process).
 */
function x25519(scalar: Uint8Array, point: Uint8Array, crypto: typeof NodeCrypto): Buffer {
  const privateKey = crypto.createPrivateKey({ key: Buffer.concat([Buffer.from(PKCS8_X25519, 'hex'), scalar]), format: 'der', type: 'pkcs8' });
  const publicKey = crypto.createPublicKey({ key: Buffer.concat([Buffer.from(SPKI_X25519, 'hex'), point]), format: 'der', type: 'spki' });
  return crypto.diffieHellman({ privateKey, publicKey });
}

/** RFC 3394 key wrap with AES-ECB (bun's node:crypto has no id-aesNNN-wrap cipher). */
function aesKeyWrap(kek: Buffer, plain: Buffer, crypto: typeof NodeCrypto): Buffer {
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
function aesKeyUnwrap(kek: Buffer, wrapped: Buffer, crypto: typeof NodeCrypto): Buffer {
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
