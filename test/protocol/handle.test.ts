import { describe, expect, it } from 'vitest';
import { MemoryBackend } from '../support/memory-backend.js';
import { handleVerb, versionLine } from '../../src/protocol/handle.js';
import { VERSION } from '../../src/version.js';
import { readFileSync } from 'node:fs';
import { TsstoreError } from '../../src/errors.js';
import type { Backend } from '../../src/backends/backend.js';

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
  describe('through a backend that can find without throwing', () => {
    function finding() {
      const backend: MemoryBackend & Pick<Backend, 'find'> = new MemoryBackend();
      const asked: string[] = [];
      backend.get = async () => {
        throw new Error('get must not be called when the backend has find');
      };
      backend.find = async (serverURL: string) => {
        asked.push(serverURL);
        const login = backend.logins.get(serverURL);
        return login && { ...login };
      };
      return { backend, asked, run: (input: string) => handleVerb('get', input, async () => backend) };
    }
    it('tries the same spellings in the same order, and answers with the first one found', async () => {
      const { backend, asked, run } = finding();
      await backend.add('https://reg.example:5000/', { username: 'u', secret: 's' });
      expect(await run('reg.example:5000')).toBe('{"ServerURL":"reg.example:5000","Username":"u","Secret":"s"}\n');
      expect(asked).toEqual(['reg.example:5000', 'https://reg.example:5000', 'http://reg.example:5000', 'reg.example:5000/', 'https://reg.example:5000/']);
    });
    it('answers a miss with the not-found error, as get does', async () => {
      const { run } = finding();
      await expect(run('nothing.example')).rejects.toSatisfy((error) => error instanceof TsstoreError && error.code === 'not-found' && error.message === 'credentials not found in native keychain');
    });
    it('does not hide an error other than not-found behind an alias', async () => {
      const { backend, run } = finding();
      backend.find = async () => {
        throw new TsstoreError('io', 'cannot read X: permission denied');
      };
      await expect(run('docker.io')).rejects.toThrow('cannot read X: permission denied');
    });
  });
});
