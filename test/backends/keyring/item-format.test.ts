import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEYRING_SERVICE, decodeLogin, encodeLogin } from '../../../src/backends/keyring/item-format.js';

describe('the keyring entry format', () => {
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
});
