/**
 * What `get`, `list` and `version` load before they answer imports no node:fs, node:path or node:os: under
 * bun those cost about 6, 1 and 1 ms to load (src/runtime/libc.ts, src/fs/join-path.ts), so the protocol
 * path reaches them only through src/fs/file-calls.ts and src/fs/node-modules.ts, when needed. Only the
 * modules loaded with main count (static imports); what loads later by import() may use anything.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/helper-binary.js';
import { SRC, staticImports } from '../support/import-graph.js';

function loadedWith(start: string): Map<string, string[]> {
  const builtins = new Map<string, string[]>();
  const pending = [start];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (builtins.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    builtins.set(file, staticImports(text, { relativeOnly: false }).filter((specifier) => !specifier.startsWith('.')));
    for (const specifier of staticImports(text)) pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
  }
  return builtins;
}

describe('the protocol path', () => {
  it('loads no node:fs, node:path or node:os with main', () => {
    const loaded = loadedWith(join(SRC, 'main.ts'));
    expect([...loaded.keys()].map((file) => relative(SRC, file))).toEqual(expect.arrayContaining(['protocol/serve.ts', 'backends/pgp/pgp-backend.ts', 'fs/private-files.ts']));
    const heavy = [...loaded].flatMap(([file, builtins]) => builtins.filter((name) => /^(node:)?(fs|path|os)$/.test(name)).map((name) => `${relative(SRC, file)}: ${name}`));
    expect(heavy).toEqual([]);
  });

  it('the entry loads only the version line before main', () => {
    const loaded = loadedWith(join(PROJECT_ROOT, 'helpers', 'docker-credential-tsstore.ts'));
    expect([...loaded.keys()].map((file) => relative(PROJECT_ROOT, file)).sort()).toEqual(['helpers/docker-credential-tsstore.ts', 'src/protocol/messages.ts', 'src/protocol/version-line.ts', 'src/version.ts']);
  });
});
