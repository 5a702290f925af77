/**
 * The key sources the pgp backend is given. Each tries, in order, an agent holding the unlocked key, a
 * key without passphrase, TSSTORE_PASSPHRASE_FILE, and then asks at the terminal only when it may (the
 * one doctor is given never does: a locked key fails at once with the unlock command).
 * Everything behind them is loaded on first use, so a `get` the backend's fast path answers loads
 * neither the agent client, nor the terminal, nor openpgp.
 */
import type { StoreKeySource } from '../backends/pgp/key-source.js';
import type { Environment } from '../config/paths.js';

/** `mayPrompt`: whether a locked key may be unlocked by asking a person at the terminal. */
export function storeKeySource(env: Environment, options: { mayPrompt: boolean }): StoreKeySource {
  const { mayPrompt } = options;
  return {
    async decrypt(store, message) {
      const { decryptWithStoreKey } = await import('./decrypt.js');
      return decryptWithStoreKey(store, message, { env, mayPrompt });
    },
  };
}
