/**
 * The passphrase for a key `init` is about to create: from TSSTORE_PASSPHRASE_FILE, else asked on the
 * terminal when a person runs init there, else none (scripts and CI get an unprotected key, as before).
 */
import { isatty } from 'node:tty';
import type { Environment } from '../config/paths.js';
import { askNewPassphrase } from './ask.js';
import { passphraseFilePath, readPassphraseFile } from './passphrase-file.js';
import { openTerminal } from './terminal.js';

export async function passphraseForNewKey(env: Environment, keyFile: string, say: (line: string) => void): Promise<string> {
  const file = passphraseFilePath(env);
  if (file !== undefined) return readPassphraseFile(file);
  // Only when stdin is the terminal too: `init < /dev/null` in a script must not stop and ask.
  const terminal = isatty(0) ? openTerminal() : undefined;
  if (!terminal) return '';
  try {
    const passphrase = await askNewPassphrase(terminal, 'Choose a passphrase for the new store key (docker asks for it once per session).');
    if (passphrase === '') say(`Warning: no passphrase: anyone who can read ${keyFile} can read your credentials (docker-credential-tsstore passwd adds one).`);
    return passphrase;
  } finally {
    terminal.close();
  }
}
