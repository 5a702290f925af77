/**
 * `unlock [--ttl DURATION]`: asks for the passphrase once (or reads TSSTORE_PASSPHRASE_FILE) and leaves
 * the unlocked key with the agent, so docker's `get`s in the next while ask nobody.
 */
import { askAgent } from '../agent/client.js';
import { defaultTtl, formatDuration, parseDuration } from '../agent/duration.js';
import { claimAgentLocation } from '../agent/recorded-folder.js';
import { startAgent } from '../agent/start.js';
import { pgpStoreFor } from '../backends/pgp/command-store.js';
import type { Environment } from '../config/paths.js';
import { TsstoreError } from '../errors.js';
import { PASSPHRASE_FILE_VARIABLE, passphraseFilePath, readPassphraseFile } from '../passphrase/passphrase-file.js';
import { openTerminal } from '../passphrase/terminal.js';
import { say } from '../text/output.js';
import { storeAgentPlace } from '../unlock/store-agent.js';
import { LOCK_COMMAND, unlockOnTerminal } from '../unlock/terminal-unlock.js';

export async function runUnlock(options: { ttl?: string }, env: Environment = process.env): Promise<void> {
  const ttlMs = options.ttl === undefined ? defaultTtl(env) : parseDuration(options.ttl);
  const backend = pgpStoreFor('unlock', env, { needKey: true });
  const crypto = await import('../backends/pgp/openpgp-crypto.js');
  const key = await crypto.readStorePrivateKey(backend.readPrivateKeyText(), backend.layout.privateKeyFile);
  if (!crypto.isLocked(key)) {
    say('The store key has no passphrase: there is nothing to unlock (docker-credential-tsstore passwd adds one).');
    return;
  }
  const location = claimAgentLocation(storeAgentPlace(backend.layout.root, env));
  const file = passphraseFilePath(env);
  if (file !== undefined) {
    const passphrase = readPassphraseFile(file);
    await startAgent(location, backend.layout.root);
    const response = await askAgent(location, { op: 'unlock', passphrase, ttlMs });
    if (!response?.ok) {
      const wrong = response && !response.ok && response.error === 'wrong-passphrase';
      throw new TsstoreError('locked', wrong ? `${PASSPHRASE_FILE_VARIABLE} ${file} does not hold the passphrase of the store key` : `the tsstore agent could not unlock the key: ${response && !response.ok ? response.message : 'it went away'}`);
    }
  } else {
    const terminal = openTerminal();
    if (!terminal) {
      throw new TsstoreError('locked', `unlock needs a terminal to ask for the passphrase; where there is none, set ${PASSPHRASE_FILE_VARIABLE}`);
    }
    try {
      await unlockOnTerminal(terminal, { storeRoot: backend.layout.root, key, location, ttlMs, requireAgent: true });
    } finally {
      terminal.close();
    }
  }
  const until = new Date(Date.now() + ttlMs).toTimeString().slice(0, 5);
  say(`Unlocked for ${formatDuration(ttlMs)} (until ${until}); ${LOCK_COMMAND} forgets it sooner.`);
}
