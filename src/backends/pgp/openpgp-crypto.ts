/**
 * Everything that needs openpgp.js. Loaded with import() only by the verbs that encrypt or decrypt:
 * parsing the library costs more than everything else `list`, `erase` and `version` do.
 */
import type { PrivateKey, Key } from 'openpgp';
import { TsstoreError } from '../../errors.js';

type OpenPGP = typeof import('openpgp');
let loaded: Promise<OpenPGP> | undefined;
function openpgp(): Promise<OpenPGP> {
  loaded ??= import('openpgp');
  return loaded;
}

export interface GeneratedKey {
  armoredPrivateKey: string;
  armoredPublicKey: string;
  fingerprint: string;
}

/**
 * A v4 key on curve25519Legacy (ECDH + EdDSA): the newest kind that GnuPG 2.2 still reads, so
 * `gpg --decrypt` stays an escape hatch. RFC 9580 X25519 keys would lock GnuPG 2.2 out.
 */
export async function generateStoreKey(userID: string): Promise<GeneratedKey> {
  const pgp = await openpgp();
  const { privateKey, publicKey } = await pgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [{ name: userID }],
    format: 'armored',
    config: { v6Keys: false, aeadProtect: false },
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
    return await pgp.encrypt({
      message,
      encryptionKeys,
      format: 'armored',
      config: { showComment: true, commentString: label, aeadProtect: false },
    });
  } catch (cause) {
    throw new TsstoreError('store-corrupt', 'cannot encrypt to every recipient (an expired or revoked key in recipients/?)', { cause });
  }
}

export async function readStorePrivateKey(armoredKey: string, source: string): Promise<PrivateKey> {
  const pgp = await openpgp();
  let key: PrivateKey;
  try {
    key = await pgp.readPrivateKey({ armoredKey });
  } catch (cause) {
    throw new TsstoreError('store-corrupt', `${source} is not an OpenPGP private key`, { cause });
  }
  if (!key.isDecrypted()) {
    throw new TsstoreError(
      'locked',
      `the store key ${source} is protected by a passphrase, which this version cannot unlock yet`,
    );
  }
  return key;
}

export async function decryptMessage(armoredMessage: string, privateKey: PrivateKey, source: string): Promise<string> {
  const pgp = await openpgp();
  try {
    const message = await pgp.readMessage({ armoredMessage });
    const { data } = await pgp.decrypt({ message, decryptionKeys: privateKey, format: 'binary' });
    return Buffer.from(data as Uint8Array).toString('utf8');
  } catch (cause) {
    throw new TsstoreError('store-corrupt', `cannot decrypt ${source}: it is damaged or was not encrypted to the store key`, {
      cause,
    });
  }
}
