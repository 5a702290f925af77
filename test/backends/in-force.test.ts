import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backendInForce } from '../../src/backends/in-force.js';
import { isTsstoreError } from '../../src/errors.js';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'tsstore-in-force-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const settings = (text: string) => writeFileSync(join(home, 'settings.json'), text);
const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('backendInForce', () => {
  it('is none when neither TSSTORE_BACKEND nor settings.json says (the first store chooses)', () => {
    expect(backendInForce({ TSSTORE_HOME: home })).toBeUndefined();
    expect(backendInForce({ TSSTORE_HOME: home, TSSTORE_BACKEND: '' })).toBeUndefined();
  });

  it('is the recorded choice', () => {
    settings('{"backend":"keyring"}');
    expect(backendInForce({ TSSTORE_HOME: home })).toEqual({ name: 'keyring', from: 'settings' });
  });

  it('is TSSTORE_BACKEND over the recorded choice, without reading settings.json (a broken one does not stop it)', () => {
    settings('{"backend":"keyring"}');
    expect(backendInForce({ TSSTORE_HOME: home, TSSTORE_BACKEND: 'pgp' })).toEqual({ name: 'pgp', from: 'TSSTORE_BACKEND' });
    settings('not json');
    expect(backendInForce({ TSSTORE_HOME: home, TSSTORE_BACKEND: 'keyring' })).toEqual({ name: 'keyring', from: 'TSSTORE_BACKEND' });
  });

  it('refuses an unknown TSSTORE_BACKEND and a broken settings.json with a config error', () => {
    expect(isTsstoreError(thrown(() => backendInForce({ TSSTORE_HOME: home, TSSTORE_BACKEND: 'vault' })), 'config')).toBe(true);
    settings('{"backend":"vault"}');
    expect(isTsstoreError(thrown(() => backendInForce({ TSSTORE_HOME: home })), 'config')).toBe(true);
  });
});
