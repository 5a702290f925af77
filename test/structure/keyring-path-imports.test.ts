/**
 * What a keyring verb loads with the backend (src/backends/keyring/open-keyring.ts, imported when the
 * keyring is the backend) imports no node:fs, node:path or node:os: the D-Bus path reaches files through
 * src/fs/file-calls.ts, and the native library's loader (addon-copy.ts, node:fs) only loads when the
 * library is the fallback. Measured on the single file, a get hit: 22.0-22.2 M -> 18.8-19.0 M
 * instructions, 1469 -> 1345 page faults. Only static imports count; import() may use anything.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SRC, staticImports } from '../support/import-graph.js';

describe('the keyring path', () => {
  it('loads no node:fs, node:path or node:os with the keyring backend', () => {
    const heavy: string[] = [];
    const seen = new Set<string>();
    const pending = [join(SRC, 'backends', 'keyring', 'open-keyring.ts')];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const name of staticImports(text, { relativeOnly: false })) if (/^(node:)?(fs|path|os)$/.test(name)) heavy.push(`${relative(SRC, file)}: ${name}`);
      for (const specifier of staticImports(text)) pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
    expect([...seen].map((file) => relative(SRC, file))).toEqual(expect.arrayContaining(['dbus/session-bus.ts', 'dbus/libc-socket.ts', 'backends/keyring/native.ts']));
    expect(heavy).toEqual([]);
  });
});
