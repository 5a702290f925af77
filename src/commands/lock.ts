/** `lock`: the agent forgets the unlocked key and exits; the next `get` asks again. */
import { agentMayBeRunning, askAgent } from '../agent/client.js';
import { pgpStoreFor } from '../backends/pgp/command-store.js';
import { storeAgentLocation } from '../backends/pgp/key-access.js';
import type { Environment } from '../config/paths.js';
import { say } from '../text/output.js';

export async function runLock(env: Environment = process.env): Promise<void> {
  const backend = pgpStoreFor('lock', env, { needKey: false });
  const location = storeAgentLocation(backend, env);
  const response = agentMayBeRunning(location) ? await askAgent(location, { op: 'lock' }) : undefined;
  say(response?.ok ? 'Locked: the agent forgot the store key and stopped.' : 'No agent was running: the store key is locked.');
}
