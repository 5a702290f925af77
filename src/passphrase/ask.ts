/** The questions tsstore asks on a terminal: a passphrase, and a new one typed twice. */
import { TsstoreError } from '../errors.js';
import type { Terminal } from './terminal.js';

/** Asks for a new passphrase twice until both agree; empty means none. */
export async function askNewPassphrase(terminal: Terminal, intro: string): Promise<string> {
  terminal.say(intro);
  for (let attempt = 1; attempt <= 3; attempt++) {
    const first = await terminal.ask('New passphrase (empty for none): ');
    if (first === '') return '';
    const second = await terminal.ask('Repeat the new passphrase: ');
    if (first === second) return first;
    terminal.say('The two passphrases differ; try again.');
  }
  throw new TsstoreError('usage', 'the new passphrase was typed differently 3 times: nothing was changed');
}
