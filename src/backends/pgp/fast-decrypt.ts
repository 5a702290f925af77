/**
 * A small OpenPGP decryptor for exactly the messages this store writes with an unprotected store key:
 * armored, a v3 PKESK for the key's ECDH Curve25519 subkey (RFC 6637 with curve25519Legacy), a SEIPDv1
 * packet (AES, SHA-1 MDC), and an uncompressed literal data packet inside. Loading openpgp.js costs about
 * 45 ms under bun, three times everything else `get` does; this needs node:crypto only.
 *
 * Anything else (a protected key, other algorithms, compression, AEAD, a damaged file) answers undefined,
 * and the caller decrypts with openpgp.js, which also produces the proper error. The MDC is checked, so
 * a wrong answer is never returned: at worst this path gives up.
 */
import type * as NodeCrypto from 'node:crypto';
import { nodeCrypto } from '../../runtime/lazy-crypto.js';

const CURVE25519_OID = '2b060104019755010501';
const ECDH = 18;
const HASHES: Record<number, string> = { 8: 'sha256', 9: 'sha384', 10: 'sha512' };
const AES: Record<number, { bits: number }> = { 7: { bits: 128 }, 8: { bits: 192 }, 9: { bits: 256 } };

class Unsupported extends Error {}
const unsupported = (): never => {
  throw new Unsupported();
};

/** The plaintext as UTF-8, or undefined when this message or key is not one this path handles. */
export function fastDecrypt(armoredMessage: string, armoredPrivateKey: string): string | undefined {
  try {
    return decrypt(dearmor(armoredMessage, 'MESSAGE'), dearmor(armoredPrivateKey, 'PRIVATE KEY BLOCK'), nodeCrypto());
  } catch {
    return undefined;
  }
}

/** The binary body of an armored block; the CRC24 line, if any, is left to the MDC and key checks. */
export function dearmor(text: string, type: string): Buffer {
  const begin = text.indexOf(`-----BEGIN PGP ${type}-----`);
  const end = text.indexOf(`-----END PGP ${type}-----`);
  if (begin === -1 || end === -1) unsupported();
  const lines = text.slice(begin, end).split(/\r?\n/).slice(1);
  const blank = lines.findIndex((line) => line.trim() === '');
  if (blank === -1) unsupported();
  const body = lines.slice(blank + 1).filter((line) => line !== '' && !line.startsWith('='));
  return Buffer.from(body.join(''), 'base64');
}

interface Packet {
  tag: number;
  body: Buffer;
}

/** OpenPGP packets, new and old format, including partial body lengths. */
export function packets(data: Buffer): Packet[] {
  const result: Packet[] = [];
  let offset = 0;
  while (offset < data.length) {
    const header = data[offset++] as number;
    if (!(header & 0x80)) unsupported();
    if (header & 0x40) {
      const tag = header & 0x3f;
      const chunks: Buffer[] = [];
      for (;;) {
        const first = data[offset++] as number;
        let length: number;
        if (first < 192) length = first;
        else if (first < 224) length = ((first - 192) << 8) + (data[offset++] as number) + 192;
        else if (first === 255) {
          length = data.readUInt32BE(offset);
          offset += 4;
        } else {
          const partial = 1 << (first & 0x1f);
          chunks.push(data.subarray(offset, offset + partial));
          offset += partial;
          continue;
        }
        chunks.push(data.subarray(offset, offset + length));
        offset += length;
        break;
      }
      result.push({ tag, body: Buffer.concat(chunks) });
    } else {
      const tag = (header >> 2) & 0x0f;
      const type = header & 3;
      if (type === 3) unsupported();
      const size = [1, 2, 4][type] as number;
      const length = size === 1 ? (data[offset] as number) : size === 2 ? data.readUInt16BE(offset) : data.readUInt32BE(offset);
      offset += size;
      result.push({ tag, body: data.subarray(offset, offset + length) });
      offset += length;
    }
    if (offset > data.length) unsupported();
  }
  return result;
}

function readMpi(body: Buffer, offset: number): { value: Buffer; next: number } {
  const bits = body.readUInt16BE(offset);
  const length = (bits + 7) >> 3;
  return { value: body.subarray(offset + 2, offset + 2 + length), next: offset + 2 + length };
}

interface EcdhSubkey {
  keyID: Buffer;
  fingerprint: Buffer;
  oid: Buffer;
  kdf: { hash: number; cipher: number; bytes: Buffer };
  /** The X25519 private key, little-endian as RFC 7748 has it. */
  secret: Buffer;
}

/** The unprotected ECDH Curve25519 subkey of the store key. */
function ecdhSubkey(keyPackets: Packet[], crypto: typeof NodeCrypto): EcdhSubkey {
  for (const { tag, body } of keyPackets) {
    if (tag !== 7 || body[0] !== 4 || body[5] !== ECDH) continue;
    const oidLength = body[6] as number;
    const oid = body.subarray(6, 7 + oidLength);
    if (body.subarray(7, 7 + oidLength).toString('hex') !== CURVE25519_OID) unsupported();
    const point = readMpi(body, 7 + oidLength);
    const kdfLength = body[point.next] as number;
    if (kdfLength !== 3 || body[point.next + 1] !== 1) unsupported();
    const kdfBytes = body.subarray(point.next, point.next + 4);
    const publicEnd = point.next + 1 + kdfLength;
    if (body[publicEnd] !== 0) unsupported(); // S2K usage 0: not protected by a passphrase
    const secret = readMpi(body, publicEnd + 1).value;
    const publicBody = body.subarray(0, publicEnd);
    const prefix = Buffer.from([0x99, publicBody.length >> 8, publicBody.length & 0xff]);
    const fingerprint = crypto.createHash('sha1').update(prefix).update(publicBody).digest();
    const padded = Buffer.alloc(32);
    secret.copy(padded, 32 - secret.length);
    return {
      keyID: fingerprint.subarray(12),
      fingerprint,
      oid,
      kdf: { hash: kdfBytes[2] as number, cipher: kdfBytes[3] as number, bytes: kdfBytes },
      secret: Buffer.from(padded).reverse(),
    };
  }
  return unsupported();
}

function x25519(secret: Buffer, publicPoint: Buffer, crypto: typeof NodeCrypto): Buffer {
  const privateKey = crypto.createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: secret.toString('base64url'), x: publicOf(secret, crypto) }, format: 'jwk' });
  const publicKey = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: publicPoint.toString('base64url') }, format: 'jwk' });
  return crypto.diffieHellman({ privateKey, publicKey });
}

/** The JWK wants the public half too; derive it rather than trusting the key file's copy. */
function publicOf(secret: Buffer, crypto: typeof NodeCrypto): string {
  // PKCS#8 for X25519: a fixed 16-byte prefix and the 32-byte key.
  const der = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), secret]);
  const jwk = crypto.createPublicKey(crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' });
  return jwk.x as string;
}

/** RFC 3394 key unwrap with AES-ECB (bun's node:crypto has no id-aesNNN-wrap cipher). */
export function aesKeyUnwrap(kek: Buffer, wrapped: Buffer, crypto: typeof NodeCrypto): Buffer {
  const n = wrapped.length / 8 - 1;
  if (!Number.isInteger(n) || n < 2) unsupported();
  const aes = crypto.createDecipheriv(`aes-${kek.length * 8}-ecb`, kek, null);
  aes.setAutoPadding(false);
  let a = Buffer.from(wrapped.subarray(0, 8));
  const r = Array.from({ length: n }, (_, i) => Buffer.from(wrapped.subarray(8 * (i + 1), 8 * (i + 2))));
  for (let j = 5; j >= 0; j--) {
    for (let i = n; i >= 1; i--) {
      const t = BigInt(n * j + i);
      a.writeBigUInt64BE(a.readBigUInt64BE(0) ^ t, 0);
      const b = aes.update(Buffer.concat([a, r[i - 1] as Buffer]));
      a = Buffer.from(b.subarray(0, 8));
      r[i - 1] = Buffer.from(b.subarray(8, 16));
    }
  }
  if (a.toString('hex') !== 'a6a6a6a6a6a6a6a6') unsupported();
  return Buffer.concat(r);
}

function decrypt(message: Buffer, key: Buffer, crypto: typeof NodeCrypto): string {
  const subkey = ecdhSubkey(packets(key), crypto);
  const messagePackets = packets(message);
  const pkesk = messagePackets.find((packet) => packet.tag === 1 && packet.body[0] === 3 && packet.body.subarray(1, 9).equals(subkey.keyID));
  const encrypted = messagePackets.find((packet) => packet.tag === 18);
  if (!pkesk || !encrypted || pkesk.body[9] !== ECDH || encrypted.body[0] !== 1) unsupported();
  const { body } = pkesk as Packet;

  // RFC 6637: shared point, KDF over it and the recipient's parameters, then AES key unwrap.
  const ephemeral = readMpi(body, 10);
  if (ephemeral.value.length !== 33 || ephemeral.value[0] !== 0x40) unsupported();
  const wrapped = body.subarray(ephemeral.next + 1, ephemeral.next + 1 + (body[ephemeral.next] as number));
  const shared = x25519(subkey.secret, ephemeral.value.subarray(1), crypto);
  const hash = HASHES[subkey.kdf.hash];
  const kek = AES[subkey.kdf.cipher];
  if (!hash || !kek) unsupported();
  const param = Buffer.concat([subkey.oid, Buffer.from([ECDH]), subkey.kdf.bytes, Buffer.from('Anonymous Sender    '), subkey.fingerprint]);
  const z = crypto.createHash(hash as string).update(Buffer.from([0, 0, 0, 1])).update(shared).update(param).digest().subarray(0, (kek as { bits: number }).bits / 8);
  const padded = aesKeyUnwrap(z, wrapped, crypto);
  const pad = padded[padded.length - 1] as number;
  if (pad < 1 || pad > 8) unsupported();
  const decoded = padded.subarray(0, padded.length - pad);
  const cipher = AES[decoded[0] as number];
  if (!cipher) unsupported();
  const sessionKey = decoded.subarray(1, decoded.length - 2);
  if (sessionKey.length * 8 !== (cipher as { bits: number }).bits) unsupported();
  let sum = 0;
  for (const byte of sessionKey) sum = (sum + byte) & 0xffff;
  if (sum !== decoded.readUInt16BE(decoded.length - 2)) unsupported();

  // SEIPDv1: AES-CFB with a zero IV over prefix, packets and the MDC packet.
  const decipher = crypto.createDecipheriv(`aes-${(cipher as { bits: number }).bits}-cfb`, sessionKey, Buffer.alloc(16));
  const plain = Buffer.concat([decipher.update((encrypted as Packet).body.subarray(1)), decipher.final()]);
  if (plain.length < 18 + 22 || plain[14] !== plain[16] || plain[15] !== plain[17]) unsupported();
  const mdcAt = plain.length - 22;
  if (plain[mdcAt] !== 0xd3 || plain[mdcAt + 1] !== 0x14) unsupported();
  const mdc = crypto.createHash('sha1').update(plain.subarray(0, mdcAt + 2)).digest();
  if (!crypto.timingSafeEqual(mdc, plain.subarray(mdcAt + 2))) unsupported();

  const inner = packets(plain.subarray(18, mdcAt));
  const literal = inner.length === 1 && inner[0]?.tag === 11 ? inner[0].body : unsupported();
  const nameLength = (literal as Buffer)[1] as number;
  return (literal as Buffer).subarray(2 + nameLength + 4).toString('utf8');
}
