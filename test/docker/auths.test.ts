import { describe, expect, it } from 'vitest';
import { decodeAuth, plaintextEntries, withoutSecrets } from '../../src/docker/auths.js';

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('plaintextEntries', () => {
  it('reads auth, username/password, identity tokens and registry tokens as docker does', () => {
    const config = {
      auths: {
        'reg.a': { auth: b64('alice:pa:ss') },
        'reg.b': { username: 'bob', password: 'pw' },
        'https://index.docker.io/v1/': { auth: b64('hub:x'), identitytoken: 'tok' },
        'reg.c': { registrytoken: 'bearer' },
        'reg.d': {},
        'reg.e': { auth: '!!!' },
        'reg.f': { email: 'x@y' },
      },
    };
    expect(plaintextEntries(config)).toEqual([
      { registry: 'reg.a', kind: 'login', username: 'alice', secret: 'pa:ss' },
      { registry: 'reg.b', kind: 'login', username: 'bob', secret: 'pw' },
      { registry: 'https://index.docker.io/v1/', kind: 'identity-token', username: '<token>', secret: 'tok' },
      { registry: 'reg.c', kind: 'unusable', reason: 'it holds a registry token, which no credential helper can keep' },
      { registry: 'reg.e', kind: 'unusable', reason: 'its "auth" field is not base64 of user:password' },
    ]);
  });
  it('tolerates auths that is not an object', () => {
    expect(plaintextEntries({ auths: [] })).toEqual([]);
    expect(plaintextEntries({ auths: null })).toEqual([]);
    expect(plaintextEntries({})).toEqual([]);
  });
});

describe('decodeAuth', () => {
  it.each([
    [b64('u:p'), { username: 'u', secret: 'p' }],
    [b64('u:'), undefined],
    [b64(':p'), undefined],
    [b64('nocolon'), undefined],
    ['not base64!', undefined],
  ])('%j', (auth, expected) => expect(decodeAuth(auth)).toEqual(expected));
});

describe('withoutSecrets', () => {
  it('removes secret fields of the named registries only, keeping entries, other fields and key order', () => {
    const config = {
      credsStore: 'tsstore',
      auths: { 'reg.a': { auth: 'x', email: 'a@b' }, 'reg.b': { auth: 'y' }, __proto__x: {} },
      proxies: { default: { httpProxy: 'http://p' } },
    };
    const cleaned = withoutSecrets(config, ['reg.a']);
    expect(JSON.stringify(cleaned)).toBe(
      '{"credsStore":"tsstore","auths":{"reg.a":{"email":"a@b"},"reg.b":{"auth":"y"},"__proto__x":{}},"proxies":{"default":{"httpProxy":"http://p"}}}',
    );
    expect(config.auths['reg.a']).toEqual({ auth: 'x', email: 'a@b' });
  });
  it('keeps a registry literally named __proto__ as data', () => {
    const config = JSON.parse('{"auths":{"__proto__":{"auth":"eA=="},"r":{"auth":"eQ=="}}}') as Record<string, unknown>;
    expect(JSON.stringify(withoutSecrets(config, ['r']))).toBe('{"auths":{"__proto__":{"auth":"eA=="},"r":{}}}');
  });
});
