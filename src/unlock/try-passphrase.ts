/** One passphrase tried on the locked store key, in this process. */
import type { PrivateKey } from 'openpgp';
import { TsstoreError, isTsstoreError } from '../errors.js';

/** The unlocked key, or undefined when the passphrase is wrong. */
export async function tryPassphrase(key: PrivateKey, passphrase: string): Promise<PrivateKey | undefined> {
  const crypto = await import('../backends/pgp/openpgp-crypto.js');
  try {
    return await crypto.unlockStoreKey(key, passphrase);
  } catch (error) {
    if (error instanceof crypto.WrongPassphraseError) return undefined;
    throw isTsstoreError(error) ? error : new TsstoreError('store-corrupt', 'the store key cannot be unlocked', { cause: error });
  }
}
