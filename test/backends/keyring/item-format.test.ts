import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEYRING_SERVICE, backupItem, decodeLogin, encodeLogin, loginItem, searchAttributes } from '../../../src/backends/keyring/item-format.js';

describe('the keyring item format', () => {
  it('is one service for every item, and a small JSON password holding username and secret', () => {
    expect(KEYRING_SERVICE).toBe('tsstore');
    expect(encodeLogin({ username: 'alice', secret: 's3cr3t' })).toBe('{"tsstore":1,"Username":"alice","Secret":"s3cr3t"}');
  });

  it('round-trips any username and secret (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (username, secret) => {
        expect(decodeLogin(encodeLogin({ username, secret }))).toEqual({ username, secret });
      }),
    );
  });

  it('refuses passwords tsstore did not write', () => {
    for (const password of ['', 'hunter2', 'null', '[]', '"x"', '{}', '{"Username":"u","Secret":"s"}', '{"tsstore":2,"Username":"u","Secret":"s"}', '{"tsstore":1,"Username":1,"Secret":"s"}', '{"tsstore":1,"Username":"u"}']) {
      expect(decodeLogin(password), password).toBeUndefined();
    }
  });

  it('is the item the library writes: service and account as attributes "service" and "username", its label', () => {
    expect(loginItem('reg.example:5000')).toEqual({
      service: 'tsstore',
      account: 'reg.example:5000',
      label: 'keyring:reg.example:5000@tsstore',
      attributes: { service: 'tsstore', username: 'reg.example:5000' },
    });
    expect(searchAttributes({ service: 'tsstore' })).toEqual({ service: 'tsstore' });
  });

  it('keeps backups apart, under service "tsstore-backup", with the file\'s path as one attribute more', () => {
    const item = backupItem({ account: 'config.json.2026-12-01T10-00-00-000Z', path: '/home/u/.docker/config.json', label: 'backup' });
    expect(item).toEqual({
      service: 'tsstore-backup',
      account: 'config.json.2026-12-01T10-00-00-000Z',
      label: 'backup',
      attributes: { service: 'tsstore-backup', username: 'config.json.2026-12-01T10-00-00-000Z', path: '/home/u/.docker/config.json' },
    });
  });
});
