/** This store's agent: where it listens, and what is asked of it before anybody is asked for a passphrase. */
import { tmpdir } from 'node:os';
import { agentMayBeRunning, askAgent } from '../agent/client.js';
import { type AgentLocation, type AgentPlace, agentPlace } from '../agent/location.js';
import type { AgentState } from '../agent/protocol.js';
import type { EncryptedMessage } from '../backends/pgp/key-source.js';
import type { Environment } from '../config/paths.js';
import { TsstoreError } from '../errors.js';

export function storeAgentPlace(storeRoot: string, env: Environment): AgentPlace {
  return agentPlace({ env, storeRoot, tmp: tmpdir() });
}

/** The plaintext, or undefined when no agent holds this store key unlocked. */
export async function decryptInAgent(location: AgentLocation | undefined, message: EncryptedMessage, digest: string): Promise<string | undefined> {
  if (!location || !agentMayBeRunning(location)) return undefined;
  const response = await askAgent(location, { op: 'decrypt', message: message.armored, keyDigest: digest });
  if (!response) return undefined;
  if (response.ok) return 'plaintext' in response ? response.plaintext : undefined;
  if (response.error === 'locked' || response.error === 'stale-key') return undefined;
  throw new TsstoreError('store-corrupt', `cannot decrypt ${message.source}: it is damaged or was not encrypted to the store key`);
}

/** The agent's state when it holds the key with this digest unlocked; undefined otherwise (or when none runs). */
export async function agentHoldingKey(location: AgentLocation, digest: string): Promise<AgentState | undefined> {
  if (!agentMayBeRunning(location)) return undefined;
  const status = await askAgent(location, { op: 'status' });
  return status?.ok && 'state' in status && status.state.unlocked && status.state.keyDigest === digest ? status.state : undefined;
}
