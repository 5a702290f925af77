/**
 * Everything that needs openpgp.js. Loaded with import() only by the verbs that encrypt or decrypt:
 * parsing the library costs more than everything else `list`, `erase` and `version` do.
 */
import type { PrivateKey, Key } from 'openpgp';
import { TsstoreError } from '../../errors.js';
import { useNormalJit } from '../../runtime/jit-policy.js';

type OpenPGP = typeof import('openpgp');
let loaded: Promise<OpenPGP> | undefined;
function openpgp(): Promise<OpenPGP> {
  // Key generation and passphrase unlocking hash for tens of milliseconds: they want the JIT at once.
  useNormalJit();
  loaded ??= import('openpgp');
  return loaded;
}

/** Loads the library ahead of need (the agent does, while the person types the passphrase). */
export async function preloadOpenpgp(): Promise<void> {
  await openpgp();
}

export interface GeneratedKey {
  armoredPrivateKey: string;
  armoredPublicKey: string;
  fingerprint: string;
}

/**
 * How the store key is protected by a passphrase. GnuPG 2.2 must still import it (`gpg --import` of the
 * key file is the escape hatch), so: S2K usage 254 (CFB with a SHA-1 checksum) under AES-256, and the
 * iterated+salted S2K with SHA-256 over 16 MiB (count byte 224), read by every OpenPGP implementation.
 * Not Argon2 or AEAD key protection: those need RFC 9580 support, which GnuPG 2.2 lacks.
 */
export const KEY_PROTECTION = { aeadProtect: false, s2kIterationCountByte: 224, v6Keys: false } as const;

/**
 * A v4 key on curve25519Legacy (ECDH + EdDSA): the newest kind that GnuPG 2.2 still reads, so
 * `gpg --decrypt` stays an escape hatch. RFC 9580 X25519 keys would lock GnuPG 2.2 out.
 * A non-empty `passphrase` protects it as KEY_PROTECTION says.
 */
export async function generateStoreKey(userID: string, passphrase = ''): Promise<GeneratedKey> {
  const pgp = await openpgp();
  const { privateKey, publicKey } = await pgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: userID }],
    format: 'armored',
    ...(passphrase === '' ? {} : { passphrase }),
    config: { ...KEY_PROTECTION, s2kType: pgp.enums.s2k.iterated },
  });
  const key = await pgp.readKey({ armoredKey: publicKey });
  return { armoredPrivateKey: privateKey, armoredPublicKey: publicKey, fingerprint: key.getFingerprint() };
}

export interface PublicKeyInfo {
  fingerprint: string;
  userIDs: string[];
  armored: string;
}

/** Reads one public key (a private key is reduced to its public part) and checks it can encrypt. */
export async function readRecipientKey(armoredOrBinary: string | Uint8Array, source: string): Promise<PublicKeyInfo> {
  const pgp = await openpgp();
  let key: Key;
  try {
    key =
      typeof armoredOrBinary === 'string'
        ? await pgp.readKey({ armoredKey: armoredOrBinary })
        : await pgp.readKey({ binaryKey: armoredOrBinary });
  } catch (cause) {
    throw new TsstoreError('bad-input', `${source} is not an OpenPGP public key`, { cause });
  }
  const publicKey = key.isPrivate() ? key.toPublic() : key;
  try {
    await publicKey.getEncryptionKey();
  } catch (cause) {
    throw new TsstoreError('bad-input', `${source} has no valid encryption subkey (expired or revoked?)`, { cause });
  }
  return { fingerprint: publicKey.getFingerprint(), userIDs: publicKey.getUserIDs(), armored: publicKey.armor() };
}

/** The public half of the store key: enough to encrypt, and needs no passphrase. */
export async function readStorePublicPart(armoredPrivateKey: string, source: string): Promise<Key> {
  const pgp = await openpgp();
  try {
    return (await pgp.readPrivateKey({ armoredKey: armoredPrivateKey })).toPublic();
  } catch (cause) {
    throw new TsstoreError('store-corrupt', `${source} is not an OpenPGP private key`, { cause });
  }
}

export interface ArmoredRecipient {
  armored: string;
  /** Where it came from, for the error message. */
  source: string;
}

/** Encrypts `plaintext` to every recipient, as an armored message whose Comment header is `label`. */
export async function encryptToRecipients(plaintext: string, recipients: Array<Key | ArmoredRecipient>, label: string): Promise<string> {
  const pgp = await openpgp();
  const encryptionKeys = await Promise.all(
    recipients.map(async (recipient) => {
      if (!('armored' in recipient)) return recipient;
      try {
        return await pgp.readKey({ armoredKey: recipient.armored });
      } catch (cause) {
        throw new TsstoreError('store-corrupt', `recipient key ${recipient.source} is not an OpenPGP public key; remove it`, { cause });
      }
    }),
  );
  // Binary literal data: text mode would rewrite line endings.
  const message = await pgp.createMessage({ binary: Buffer.from(plaintext, 'utf8') });
  try {
    // openpgp's declarations name stream types of a package that is not installed, so its results arrive
    // untyped: with format 'armored' and a message that is no stream, the result is a string.
    const armored = (await pgp.encrypt({
      message,
      encryptionKeys,
      format: 'armored',
      config: { showComment: true, commentString: label, aeadProtect: false },
    })) as string;
    return armored;
  } catch (cause) {
    throw new TsstoreError('store-corrupt', 'cannot encrypt to every recipient (an expired or revoked key in recipients/?)', { cause });
  }
}

/** The store key as it is on disk: unlocked when it has no passphrase, locked otherwise. */
export async function readStorePrivateKey(armoredKey: string, source: string): Promise<PrivateKey> {
  const pgp = await openpgp();
  try {
    return await pgp.readPrivateKey({ armoredKey });
  } catch (cause) {
    throw new TsstoreError('store-corrupt', `${source} is not an OpenPGP private key`, { cause });
  }
}

/** Whether the key needs a passphrase before it can decrypt. */
export function isLocked(key: PrivateKey): boolean {
  return !key.isDecrypted();
}

/** Thrown by unlockStoreKey for a passphrase that does not open the key; callers count these. */
export class WrongPassphraseError extends TsstoreError {
  constructor() {
    super('locked', 'wrong passphrase for the store key');
  }
}

/** An unlocked copy of `key`; the key object itself stays locked. */
export async function unlockStoreKey(key: PrivateKey, passphrase: string): Promise<PrivateKey> {
  if (key.isDecrypted()) return key;
  const pgp = await openpgp();
  try {
    return await pgp.decryptKey({ privateKey: key, passphrase });
  } catch (cause) {
    // openpgp says "Incorrect key passphrase"; anything else is a damaged or unsupported key.
    if (cause instanceof Error && /passphrase/i.test(cause.message)) throw new WrongPassphraseError();
    throw new TsstoreError('store-corrupt', 'the store key cannot be unlocked: it is damaged or uses an unsupported protection', { cause });
  }
}

/**
 * The armored key file for an unlocked `key`: protected with `passphrase` (KEY_PROTECTION), or with
 * no protection when it is empty. Checks the result opens with the same passphrase before returning it.
 */
export async function armorStoreKey(key: PrivateKey, passphrase: string): Promise<string> {
  const pgp = await openpgp();
  if (!key.isDecrypted()) throw new TsstoreError('locked', 'the store key must be unlocked before its passphrase can change');
  const armored =
    passphrase === ''
      ? key.armor()
      : (await pgp.encryptKey({ privateKey: key, passphrase, config: { ...KEY_PROTECTION, s2kType: pgp.enums.s2k.iterated } })).armor();
  const back = await unlockStoreKey(await readStorePrivateKey(armored, 'the new key'), passphrase);
  if (back.getFingerprint() !== key.getFingerprint()) throw new TsstoreError('store-corrupt', 'the re-protected key does not read back');
  return armored;
}

export async function decryptMessage(armoredMessage: string, privateKey: PrivateKey, source: string): Promise<string> {
  const pgp = await openpgp();
  try {
    const message = await pgp.readMessage({ armoredMessage });
    // Untyped for the same reason as in encryptToRecipients: binary format gives bytes.
    const { data } = (await pgp.decrypt({ message, decryptionKeys: privateKey, format: 'binary' })) as { data: Uint8Array };
    return Buffer.from(data).toString('utf8');
  } catch (cause) {
    throw new TsstoreError('store-corrupt', `cannot decrypt ${source}: it is damaged or was not encrypted to the store key`, {
      cause,
    });
  }
}
