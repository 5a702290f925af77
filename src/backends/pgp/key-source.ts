/**
 * What the pgp backend needs when its fast path cannot decrypt (a passphrase-protected key, or a message
 * only openpgp.js reads): somewhere that decrypts with the store key's secret half. How that half is
 * reached (an agent holding it, an unprotected key, a passphrase file, a person at the terminal) is the
 * key source's concern, not the backend's: it is given one at construction (src/unlock/ makes them).
 */
import type { PgpLayout } from './layout.js';

/** The store whose key is asked for: its folder (the agent holding its key is found from it) and key file. */
export type StoreKeyFiles = Pick<PgpLayout, 'root' | 'privateKeyFile'>;

export interface EncryptedMessage {
  /** An armored OpenPGP message encrypted to the store key. */
  armored: string;
  /** Where it was read, named in errors. */
  source: string;
  /** What the key is needed for, shown if a person is asked (`login for HOST`). */
  purpose: string;
}

export interface StoreKeySource {
  /** The plaintext of `message`; throws TsstoreError ('locked' when the key cannot be unlocked here). */
  decrypt(store: StoreKeyFiles, message: EncryptedMessage): Promise<string>;
}
