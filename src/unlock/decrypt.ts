/**
 * The store key's secret half, for one decryption. In order:
 *   1. an agent holding the unlocked key decrypts (the key never leaves it; openpgp is not even loaded here);
 *   2. a key without passphrase decrypts here;
 *   3. a locked key: TSSTORE_PASSPHRASE_FILE, else the terminal (then the agent keeps it for the TTL),
 *      else one line saying what to run (locked-key.ts). Never a wait for input that cannot come.
 */
import { keyDigest } from '../agent/protocol.js';
import { findAgentLocation } from '../agent/recorded-folder.js';
import type { EncryptedMessage, StoreKeyFiles } from '../backends/pgp/key-source.js';
import { readStoreKeyText } from '../backends/pgp/store-key-file.js';
import { TsstoreError } from '../errors.js';
import { type UnlockOptions, unlockLockedKey } from './locked-key.js';
import { decryptInAgent, storeAgentPlace } from './store-agent.js';

export async function decryptWithStoreKey(store: StoreKeyFiles, message: EncryptedMessage, options: UnlockOptions): Promise<string> {
  const keyText = readStoreKeyText(store.privateKeyFile);
  const digest = keyDigest(keyText);
  const place = storeAgentPlace(store.root, options.env);
  const fromAgent = await decryptInAgent(findAgentLocation(place), message, digest);
  if (fromAgent !== undefined) return fromAgent;

  const crypto = await import('../backends/pgp/openpgp-crypto.js');
  const key = await crypto.readStorePrivateKey(keyText, store.privateKeyFile);
  if (!crypto.isLocked(key)) return crypto.decryptMessage(message.armored, key, message.source);
  const unlocked = await unlockLockedKey({ storeRoot: store.root, key, digest, place, purpose: message.purpose }, options);
  if (unlocked.kind === 'key') return crypto.decryptMessage(message.armored, unlocked.key, message.source);
  const again = await decryptInAgent(unlocked.location, message, digest);
  if (again === undefined) throw new TsstoreError('backend-unavailable', 'the tsstore agent lost the key it had just unlocked; try again');
  return again;
}
