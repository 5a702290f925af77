/**
 * The encrypting twin of fast-decrypt: writes, for the store's own key alone, the message openpgp.js 6
 * writes (armored with the Comment label and CRC24; a v3 PKESK to the ECDH Curve25519 subkey; a SEIPDv1
 * packet under AES-256 holding a binary literal packet and the SHA-1 MDC), with libgcrypt or node:crypto
 * only (pgp-crypto.ts), since loading openpgp.js costs about half of a `store` under bun. It reads only
 * the public fields of the key, so a passphrase-protected store key needs no passphrase here.
 *
 * Anything unusual (another key shape or algorithm, revocations, expiry dates, unknown preferences)
 * answers undefined, and the caller encrypts with openpgp.js, which handles every other case.
 *
 * The key's signatures are not verified: the key is our own 0600 file, and whoever can rewrite it can
 * read every credential anyway. They are only read, so that a key openpgp.js would treat differently
 * (revoked, expiring, asking for other algorithms) goes to openpgp.js.
 */
import { ECDH, type EcdhSubkey, keyEncryptionKey, readEcdhSubkey, sessionKeyChecksum, x25519Public } from './ecdh-curve25519.js';
import { type Packet, type V4Signature, armor, dearmor, packet, packets, readV4Signature, unsupported, writeMpi } from './openpgp-packets.js';
import { type PgpCrypto, pgpCrypto } from './pgp-crypto.js';

const EDDSA = 22;
const AES256 = 9;
const USER_ID_CERTIFICATIONS = new Set([0x10, 0x11, 0x12, 0x13]);
const SUBKEY_BINDING = 0x18;
/** Key, subkey and certification revocations. */
const REVOCATIONS = new Set([0x20, 0x28, 0x30]);
const SUBPACKET = { signatureExpiration: 3, keyExpiration: 9, preferredSymmetric: 11, keyFlags: 27, features: 30 } as const;
const ENCRYPT_FLAGS = 0x04 | 0x08;
/** Features bit for SEIPDv2: openpgp.js would then write an AEAD message instead. */
const SEIPD_V2 = 0x08;

/** The armored message, or undefined when the key is not one this path handles. */
export function fastEncrypt(plaintext: string, armoredPrivateKey: string, label: string, crypto: PgpCrypto = pgpCrypto()): string | undefined {
  try {
    return encrypt(Buffer.from(plaintext, 'utf8'), dearmor(armoredPrivateKey, 'PRIVATE KEY BLOCK'), label, crypto);
  } catch {
    return undefined;
  }
}

/**
 * The ECDH subkey of a key shaped like the ones this store generates: a v4 EdDSA primary, user IDs with
 * self-certifications that prefer AES-256 and no AEAD, exactly one subkey, ECDH Curve25519, bound for
 * encryption; no revocation and no expiry anywhere.
 */
function storeEncryptionSubkey(keyPackets: Packet[], crypto: PgpCrypto): EcdhSubkey {
  const [primary, ...rest] = keyPackets;
  if (!primary || primary.tag !== 5 || primary.body[0] !== 4 || primary.body[5] !== EDDSA) unsupported();
  let section: 'primary' | 'user' | 'subkey' = 'primary';
  let subkey: EcdhSubkey | undefined;
  let certifications = 0;
  let bindings = 0;
  for (const { tag, body } of rest) {
    if (tag === 13) section = 'user';
    else if (tag === 7) {
      if (subkey) unsupported(); // openpgp.js chooses among several subkeys by date and validity
      subkey = readEcdhSubkey(body, crypto);
      section = 'subkey';
    } else if (tag !== 2) unsupported();
    else {
      const signature = readV4Signature(body);
      if (REVOCATIONS.has(signature.type)) unsupported();
      if (has(signature, SUBPACKET.keyExpiration) || has(signature, SUBPACKET.signatureExpiration)) unsupported();
      if (section === 'user' && USER_ID_CERTIFICATIONS.has(signature.type)) {
        checkPreferences(signature);
        certifications++;
      } else if (section === 'subkey' && signature.type === SUBKEY_BINDING) {
        const flags = first(signature, SUBPACKET.keyFlags);
        if (!flags || !((flags[0] as number) & ENCRYPT_FLAGS)) unsupported();
        bindings++;
      } else unsupported(); // direct-key signatures and anything else
    }
  }
  if (!subkey || certifications === 0 || bindings === 0) unsupported();
  return subkey as EcdhSubkey;
}

/** openpgp.js picks AES-256 only when the key lists it, and SEIPDv1 only when the key does not ask for v2. */
function checkPreferences(signature: V4Signature): void {
  const preferred = first(signature, SUBPACKET.preferredSymmetric);
  if (!preferred?.includes(AES256)) unsupported();
  const features = first(signature, SUBPACKET.features);
  if (features && (features[0] as number) & SEIPD_V2) unsupported();
}

function has(signature: V4Signature, type: number): boolean {
  return signature.subpackets.some((subpacket) => subpacket.type === type);
}

function first(signature: V4Signature, type: number): Buffer | undefined {
  return signature.subpackets.find((subpacket) => subpacket.type === type)?.body;
}

function encrypt(data: Buffer, key: Buffer, label: string, crypto: PgpCrypto): string {
  const subkey = storeEncryptionSubkey(packets(key), crypto);
  const sessionKey = crypto.randomBytes(32);
  const ephemeral = crypto.randomBytes(32); // an X25519 scalar: any 32 bytes (RFC 7748 clamps them)
  // [cipher | session key | checksum], PKCS#5-padded to whole 8-byte blocks for the key wrap (RFC 6637 8).
  const checked = Buffer.alloc(35);
  checked[0] = AES256;
  sessionKey.copy(checked, 1);
  checked.writeUInt16BE(sessionKeyChecksum(sessionKey), 33);
  const padded = Buffer.concat([checked, Buffer.alloc(5, 5)]);
  try {
    const shared = crypto.x25519(ephemeral, subkey.point);
    const kek = keyEncryptionKey(subkey, shared, crypto);
    shared.fill(0);
    const wrapped = crypto.keyWrap(kek, padded);
    kek.fill(0);
    const ephemeralPoint = x25519Public(ephemeral, crypto);
    const pkesk = packet(1, Buffer.from([3]), subkey.keyID, Buffer.from([ECDH]), writeMpi(Buffer.concat([Buffer.from([0x40]), ephemeralPoint])), Buffer.from([wrapped.length]), wrapped);
    return armor('MESSAGE', Buffer.concat([pkesk, seipd(data, sessionKey, crypto)]), label);
  } finally {
    sessionKey.fill(0);
    ephemeral.fill(0);
    checked.fill(0);
    padded.fill(0);
  }
}

/** SEIPDv1 (RFC 4880 5.13): AES-CFB, zero IV, over random prefix, literal packet and MDC packet. */
function seipd(data: Buffer, sessionKey: Buffer, crypto: PgpCrypto): Buffer {
  // Binary literal data ('b'), no file name, the current time: what openpgp.js writes for binary input.
  const literalHeader = Buffer.from([0x62, 0, 0, 0, 0, 0]);
  literalHeader.writeUInt32BE(Math.floor(Date.now() / 1000), 2);
  const prefix = crypto.randomBytes(16);
  const hashed = Buffer.concat([prefix, prefix.subarray(14), packet(11, literalHeader, data), Buffer.from([0xd3, 0x14])]);
  const plain = Buffer.concat([hashed, crypto.hash('sha1', hashed)]);
  const encrypted = crypto.cfb('encrypt', sessionKey, plain);
  hashed.fill(0);
  plain.fill(0);
  return packet(18, Buffer.from([1]), encrypted);
}
