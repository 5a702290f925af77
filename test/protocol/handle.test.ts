import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../support/memory-backend.js';
import { handleVerb, versionLine } from '../../src/protocol/handle.js';
import { VERSION } from '../../src/version.js';
import { readFileSync } from 'node:fs';
import { TsstoreError } from '../../src/errors.js';

function harness() {
  const backend = new MemoryBackend();
  const opened: boolean[] = [];
  const open = async ({ forWrite }: { forWrite: boolean }) => {
    opened.push(forWrite);
    return backend;
  };
  return { backend, opened, run: (verb: 'store' | 'get' | 'erase' | 'list' | 'version', input = '') => handleVerb(verb, input, open) };
}

describe('handleVerb', () => {
  it('stores, gets, lists and erases', async () => {
    const { run } = harness();
    expect(await run('store', '{"ServerURL":"reg:5000","Username":"u","Secret":"s"}')).toBe('');
    expect(await run('get', 'reg:5000')).toBe('{"ServerURL":"reg:5000","Username":"u","Secret":"s"}\n');
    expect(await run('list')).toBe('{"reg:5000":"u"}\n');
    expect(await run('erase', 'reg:5000')).toBe('');
    await expect(run('get', 'reg:5000')).rejects.toThrow('credentials not found in native keychain');
  });
  it('replaces the username on a second store', async () => {
    const { run } = harness();
    await run('store', '{"ServerURL":"h","Username":"old","Secret":"1"}');
    await run('store', '{"ServerURL":"h","Username":"new","Secret":"2"}');
    expect(await run('get', 'h')).toBe('{"ServerURL":"h","Username":"new","Secret":"2"}\n');
  });
  it('opens the backend for writing only on store, and not at all on version', async () => {
    const { run, opened } = harness();
    await run('version');
    expect(opened).toEqual([]);
    await run('list');
    await run('store', '{"ServerURL":"h","Username":"u","Secret":"s"}');
    await run('get', 'h');
    expect(opened).toEqual([false, true, false]);
  });
  it('validates input before opening the backend', async () => {
    const { run, opened } = harness();
    await expect(run('store', '{')).rejects.toThrow('not valid JSON');
    await expect(run('get', ' ')).rejects.toThrow('no credentials server URL');
    expect(opened).toEqual([]);
  });
  it('prints NAME (PACKAGE) VERSION, with the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
    expect(versionLine()).toBe(`docker-credential-tsstore (github.com/tsstore/tsstore) ${pkg.version}\n`);
  });
});

describe('get with aliases', () => {
  it('answers other spellings of a stored registry, echoing the asked URL', async () => {
    const { run } = harness();
    await run('store', '{"ServerURL":"https://index.docker.io/v1/","Username":"hub","Secret":"h"}');
    await run('store', '{"ServerURL":"reg.example:5000","Username":"u","Secret":"s"}');
    expect(await run('get', 'docker.io')).toBe('{"ServerURL":"docker.io","Username":"hub","Secret":"h"}\n');
    expect(await run('get', 'https://reg.example:5000')).toBe('{"ServerURL":"https://reg.example:5000","Username":"u","Secret":"s"}\n');
    expect(await run('get', 'reg.example:5000/team/app')).toBe('{"ServerURL":"reg.example:5000/team/app","Username":"u","Secret":"s"}\n');
  });
  it('prefers the exact key over an alias', async () => {
    const { run } = harness();
    await run('store', '{"ServerURL":"reg.example","Username":"plain","Secret":"1"}');
    await run('store', '{"ServerURL":"https://reg.example","Username":"https","Secret":"2"}');
    expect(await run('get', 'https://reg.example')).toContain('"Username":"https"');
    expect(await run('get', 'reg.example')).toContain('"Username":"plain"');
  });
  it('erases only the exact key', async () => {
    const { run } = harness();
    await run('store', '{"ServerURL":"reg.example","Username":"u","Secret":"s"}');
    await expect(run('erase', 'https://reg.example')).rejects.toThrow('credentials not found in native keychain');
    expect(await run('list')).toBe('{"reg.example":"u"}\n');
  });
  it('does not hide an error other than not-found behind an alias', async () => {
    const backend = new MemoryBackend();
    backend.get = async () => {
      throw new TsstoreError('locked', 'the keyring is locked');
    };
    await expect(handleVerb('get', 'docker.io', async () => backend)).rejects.toThrow('the keyring is locked');
  });
});
