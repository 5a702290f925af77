/** `lock`: the agent forgets the unlocked key and exits; the next `get` asks again. */
import { agentMayBeRunning, askAgent, isAgentSilence } from '../agent/client.js';
import { findAgentLocation } from '../agent/recorded-folder.js';
import { pgpStoreFor } from '../backends/pgp/command-store.js';
import type { Environment } from '../config/paths.js';
import { removeQuietly } from '../fs/private-files.js';
import { say } from '../text/output.js';
import { storeAgentPlace } from '../unlock/store-agent.js';

export async function runLock(env: Environment = process.env): Promise<void> {
  const backend = pgpStoreFor('lock', env, { needKey: false });
  const location = findAgentLocation(storeAgentPlace(backend.layout.root, env));
  let response;
  try {
    response = location && agentMayBeRunning(location) ? await askAgent(location, { op: 'lock' }) : undefined;
  } catch (error) {
    if (!location || !isAgentSilence(error)) throw error;
    // A stopped or wedged agent: without its socket nobody asks it again, and it exits as soon as it
    // runs again and sees the socket gone. askAgent checked the socket is ours in a folder of ours.
    removeQuietly(location.socket);
    say(`The agent did not answer (stopped or stuck?); its socket ${location.socket} is removed, so nothing asks it any more: the store key is locked.`);
    return;
  }
  say(response?.ok ? 'Locked: the agent forgot the store key and stopped.' : 'No agent was running: the store key is locked.');
}
