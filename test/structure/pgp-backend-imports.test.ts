/**
 * The pgp backend decrypts what it cannot read alone through the key source it is given: neither it nor
 * anything it loads (dynamic imports included) reaches the agent, the terminal, the passphrase code or
 * src/unlock/, which hold how the key is unlocked.
 */
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SRC, importGraph, reachableFrom } from '../support/import-graph.js';

describe('the pgp backend', () => {
  it('loads nothing of the agent, the terminal, passphrases or unlocking', () => {
    const loaded = [...reachableFrom(importGraph(), join(SRC, 'backends', 'pgp', 'pgp-backend.ts'))].map((file) => relative(SRC, file));
    expect(loaded).toContain('backends/pgp/fast-decrypt.ts'); // the walk follows dynamic imports
    expect(loaded.filter((file) => /^(agent|passphrase|unlock)\//.test(file)).sort()).toEqual([]);
  });
});
