/**
 * `passwd`: adds, changes or removes the store key's passphrase. The key itself stays the same, so
 * every stored credential (and every copy imported into gpg) stays readable.
 */
import { agentMayBeRunning, askAgent } from '../agent/client.js';
import { findAgentLocation } from '../agent/recorded-folder.js';
import { pgpStoreFor } from '../backends/pgp/command-store.js';
import type { Environment } from '../config/paths.js';
import { TsstoreError } from '../errors.js';
import { writeFileAtomic } from '../fs/private-files.js';
import { askNewPassphrase } from '../passphrase/ask.js';
import { MAX_ATTEMPTS, tooManyAttemptsMessage } from '../passphrase/decide.js';
import { openTerminal } from '../passphrase/terminal.js';
import { say } from '../text/output.js';
import { storeAgentPlace } from '../unlock/store-agent.js';

export async function runPasswd(env: Environment = process.env): Promise<void> {
  const backend = pgpStoreFor('passwd', env, { needKey: true });
  const terminal = openTerminal();
  if (!terminal) throw new TsstoreError('usage', 'passwd needs a terminal to ask for passphrases');
  const file = backend.layout.privateKeyFile;
  try {
    const crypto = await import('../backends/pgp/openpgp-crypto.js');
    const keyText = backend.readPrivateKeyText();
    const key = await crypto.readStorePrivateKey(keyText, file);
    const hadPassphrase = crypto.isLocked(key);
    let unlocked = key;
    if (hadPassphrase) {
      let opened: typeof key | undefined;
      for (let attempt = 1; attempt <= MAX_ATTEMPTS && !opened; attempt++) {
        try {
          opened = await crypto.unlockStoreKey(key, await terminal.ask('Current tsstore passphrase: '));
        } catch (error) {
          if (!(error instanceof crypto.WrongPassphraseError)) throw error;
          terminal.say('Wrong passphrase.');
        }
      }
      if (!opened) throw new TsstoreError('locked', tooManyAttemptsMessage());
      unlocked = opened;
    }
    const passphrase = await askNewPassphrase(terminal, hadPassphrase ? 'Type the new passphrase, or nothing to remove it.' : 'Choose a passphrase for the store key.');
    if (!hadPassphrase && passphrase === '') {
      say('Nothing changed: the store key still has no passphrase.');
      return;
    }
    const armored = await crypto.armorStoreKey(unlocked, passphrase);
    // Another passwd (or init) replaced the key while we asked: do not overwrite what it wrote.
    if (backend.readPrivateKeyText() !== keyText) throw new TsstoreError('config', `${file} changed meanwhile; nothing was changed, run passwd again`);
    writeFileAtomic(file, armored);
    // The agent unlocked the key with the old passphrase: end that session too.
    const location = findAgentLocation(storeAgentPlace(backend.layout.root, env));
    if (location && agentMayBeRunning(location)) await askAgent(location, { op: 'lock' }).catch(() => undefined);
    if (passphrase === '') say(`Passphrase removed. Anyone who can read ${file} can now read your credentials.`);
    else say(hadPassphrase ? 'Passphrase changed.' : 'Passphrase added: docker asks for it on the terminal once per session (see docker-credential-tsstore unlock).');
  } finally {
    terminal.close();
  }
}
