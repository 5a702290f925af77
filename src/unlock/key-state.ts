/** How a verb would get at the store key now, without asking anybody or starting anything (doctor says it). */
import { type AgentState, keyDigest } from '../agent/protocol.js';
import { findAgentLocation } from '../agent/recorded-folder.js';
import type { StoreKeyFiles } from '../backends/pgp/key-source.js';
import { readStoreKeyText, storeKeyExists } from '../backends/pgp/store-key-file.js';
import type { Environment } from '../config/paths.js';
import { passphraseFilePath } from '../passphrase/passphrase-file.js';
import { agentHoldingKey, storeAgentPlace } from './store-agent.js';

export type KeyState =
  | { kind: 'missing' }
  | { kind: 'unprotected' }
  | { kind: 'unlocked'; agent: AgentState }
  | { kind: 'passphrase-file' }
  | { kind: 'locked' };

export async function storeKeyState(store: StoreKeyFiles, env: Environment): Promise<KeyState> {
  if (!storeKeyExists(store.privateKeyFile)) return { kind: 'missing' };
  const keyText = readStoreKeyText(store.privateKeyFile);
  const crypto = await import('../backends/pgp/openpgp-crypto.js');
  const key = await crypto.readStorePrivateKey(keyText, store.privateKeyFile);
  if (!crypto.isLocked(key)) return { kind: 'unprotected' };
  const location = findAgentLocation(storeAgentPlace(store.root, env));
  const agent = location ? await agentHoldingKey(location, keyDigest(keyText)) : undefined;
  if (agent) return { kind: 'unlocked', agent };
  return passphraseFilePath(env) !== undefined ? { kind: 'passphrase-file' } : { kind: 'locked' };
}
