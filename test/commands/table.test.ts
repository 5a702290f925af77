import { describe, expect, it } from 'vitest';
import { COMMANDS, isCommandWord } from '../../src/commands/table.js';
import { PROTOCOL_VERBS } from '../../src/protocol/messages.js';

describe('the command table', () => {
  it('names each command once, and no protocol verb (main serves those before the table is read)', () => {
    const names = COMMANDS.map((command) => command.name);
    expect(new Set(names).size).toBe(names.length);
    for (const verb of PROTOCOL_VERBS) expect(names).not.toContain(verb);
  });

  it('hands every command of the table, and commander\'s own help, to commander', () => {
    for (const command of COMMANDS) expect(isCommandWord(command.name)).toBe(true);
    expect(isCommandWord('help')).toBe(true);
  });

  it('hands no other word to commander', () => {
    for (const word of ['', 'fetch', 'Init', 'INFO', 'agents', 'doc', 'constructor', 'toString', '__proto__', 'init ']) {
      expect(isCommandWord(word)).toBe(false);
    }
  });
});
