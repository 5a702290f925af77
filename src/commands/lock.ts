/** `lock`: the agent forgets the unlocked key and exits; the next `get` asks again. */
import { agentMayBeRunning, askAgent } from '../agent/client.js';
import { findAgentLocation } from '../agent/recorded-folder.js';
import { pgpStoreFor } from '../backends/pgp/command-store.js';
import { storeAgentPlace } from '../backends/pgp/key-access.js';
import type { Environment } from '../config/paths.js';

export async function runLock(env: Environment = process.env): Promise<void> {
  const backend = pgpStoreFor('lock', env, { needKey: false });
  const location = findAgentLocation(storeAgentPlace(backend, env));
  const response = location && agentMayBeRunning(location) ? await askAgent(location, { op: 'lock' }) : undefined;
  process.stdout.write(response?.ok ? 'Locked: the agent forgot the store key and stopped.\n' : 'No agent was running: the store key is locked.\n');
}
