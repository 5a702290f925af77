/**
 * A small OpenPGP decryptor for exactly the messages this store writes with an unprotected store key:
 * armored, a v3 PKESK for the key's ECDH Curve25519 subkey (RFC 6637 with curve25519Legacy), a SEIPDv1
 * packet (AES, SHA-1 MDC), and an uncompressed literal data packet inside. Loading openpgp.js costs about
 * 45 ms under bun, three times everything else `get` does; this needs libgcrypt or node:crypto only
 * (pgp-crypto.ts).
 *
 * Anything else (a protected key, other algorithms, compression, AEAD, a damaged file) answers undefined,
 * and the caller decrypts with openpgp.js, which also produces the proper error. The MDC is checked, so
 * a wrong answer is never returned: at worst this path gives up.
 */
import { AES_KEY_BYTES, ECDH, type EcdhSubkey, keyEncryptionKey, readEcdhSubkey, sessionKeyChecksum } from './ecdh-curve25519.js';
import { type Packet, dearmor, packets, readMpi, unsupported } from './openpgp-packets.js';
import { type PgpCrypto, pgpCrypto, sameBytes } from './pgp-crypto.js';

/** The plaintext as UTF-8, or undefined when this message or key is not one this path handles. */
export function fastDecrypt(armoredMessage: string, armoredPrivateKey: string, crypto: PgpCrypto = pgpCrypto()): string | undefined {
  try {
    return decrypt(dearmor(armoredMessage, 'MESSAGE'), dearmor(armoredPrivateKey, 'PRIVATE KEY BLOCK'), crypto);
  } catch {
    return undefined;
  }
}

interface SecretEcdhSubkey extends EcdhSubkey {
  /** The X25519 private key, little-endian as RFC 7748 has it. */
  secret: Buffer;
}

/** The unprotected ECDH Curve25519 subkey of the store key. */
function ecdhSubkey(keyPackets: Packet[], crypto: PgpCrypto): SecretEcdhSubkey {
  for (const { tag, body } of keyPackets) {
    if (tag !== 7 || body[0] !== 4 || body[5] !== ECDH) continue;
    const subkey = readEcdhSubkey(body, crypto);
    if (body[subkey.publicEnd] !== 0) unsupported(); // S2K usage 0: not protected by a passphrase
    const secret = readMpi(body, subkey.publicEnd + 1).value;
    if (secret.length > 32) unsupported();
    const padded = Buffer.alloc(32);
    secret.copy(padded, 32 - secret.length);
    // OpenPGP stores the scalar big-endian; RFC 7748 wants it little-endian.
    return { ...subkey, secret: padded.reverse() };
  }
  return unsupported();
}

function decrypt(message: Buffer, key: Buffer, crypto: PgpCrypto): string {
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
  const shared = crypto.x25519(subkey.secret, ephemeral.value.subarray(1));
  const kek = keyEncryptionKey(subkey, shared, crypto);
  shared.fill(0);
  const padded = crypto.keyUnwrap(kek, wrapped);
  kek.fill(0);
  const pad = padded[padded.length - 1] as number;
  if (pad < 1 || pad > 8) unsupported();
  const decoded = padded.subarray(0, padded.length - pad);
  const keyBytes = AES_KEY_BYTES[decoded[0] as number];
  const sessionKey = decoded.subarray(1, decoded.length - 2);
  if (!keyBytes || sessionKey.length !== keyBytes) unsupported();
  if (sessionKeyChecksum(sessionKey) !== decoded.readUInt16BE(decoded.length - 2)) unsupported();

  // SEIPDv1: AES-CFB with a zero IV over prefix, packets and the MDC packet.
  const plain = crypto.cfb('decrypt', sessionKey, (encrypted as Packet).body.subarray(1));
  if (plain.length < 18 + 22 || plain[14] !== plain[16] || plain[15] !== plain[17]) unsupported();
  const mdcAt = plain.length - 22;
  if (plain[mdcAt] !== 0xd3 || plain[mdcAt + 1] !== 0x14) unsupported();
  const mdc = crypto.hash('sha1', plain.subarray(0, mdcAt + 2));
  if (!sameBytes(mdc, plain.subarray(mdcAt + 2))) unsupported();

  const inner = packets(plain.subarray(18, mdcAt));
  const literal = inner.length === 1 && inner[0]?.tag === 11 ? inner[0].body : unsupported();
  const nameLength = literal[1] as number;
  return literal.subarray(2 + nameLength + 4).toString('utf8');
}
