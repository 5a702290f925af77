import { describe, expect, it } from 'vitest';
import { findChallenge, parseChallenges } from '../../src/registry/www-authenticate.js';

describe('parseChallenges', () => {
  it.each([
    // The distribution registry with htpasswd.
    ['Basic realm="tsstore-e2e"', [{ scheme: 'basic', params: { realm: 'tsstore-e2e' } }]],
    // Docker Hub.
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io"',
      [{ scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io' } }],
    ],
    // GitHub (ghcr.io), with a scope and spaces after commas.
    [
      'Bearer realm="https://ghcr.io/token", service="ghcr.io", scope="repository:user/image:pull"',
      [{ scheme: 'bearer', params: { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:user/image:pull' } }],
    ],
    // Commas inside quotes belong to the value; several scopes in one.
    [
      'Bearer realm="https://r.example/token",scope="repository:a:pull,push repository:b:pull",service="r"',
      [{ scheme: 'bearer', params: { realm: 'https://r.example/token', scope: 'repository:a:pull,push repository:b:pull', service: 'r' } }],
    ],
    // Escaped quotes and backslashes inside quoted strings.
    ['Basic realm="say \\"hi\\" \\\\ there"', [{ scheme: 'basic', params: { realm: 'say "hi" \\ there' } }]],
    // Case-insensitive scheme and parameter names, token (unquoted) values, white space around '='.
    ['BASIC Realm = Registry , Charset=UTF-8', [{ scheme: 'basic', params: { realm: 'Registry', charset: 'UTF-8' } }]],
    // Several challenges in one header value (RFC 9110 allows it; Harbor and Artifactory send some).
    [
      'Basic realm="a, b", Bearer realm="https://auth/token",service="svc"',
      [
        { scheme: 'basic', params: { realm: 'a, b' } },
        { scheme: 'bearer', params: { realm: 'https://auth/token', service: 'svc' } },
      ],
    ],
    // A token68 challenge, then a parameterless one, then one with parameters.
    [
      'Negotiate abc+/=, NTLM, Basic realm="x"',
      [{ scheme: 'negotiate', params: {}, token68: 'abc+/=' }, { scheme: 'ntlm', params: {} }, { scheme: 'basic', params: { realm: 'x' } }],
    ],
    ['Bearer', [{ scheme: 'bearer', params: {} }]],
    ['', []],
    ['  ,, ', []],
    // An unterminated quote takes the rest; nothing is thrown.
    ['Basic realm="open', [{ scheme: 'basic', params: { realm: 'open' } }]],
    // Junk before a challenge is skipped up to the next comma.
    ['"junk", Basic realm="x"', [{ scheme: 'basic', params: { realm: 'x' } }]],
  ])('%j', (header, expected) => {
    expect(parseChallenges(header)).toEqual(expected);
  });

  it('reads several header lines (Node gives repeated headers as an array)', () => {
    expect(parseChallenges(['Basic realm="a"', 'Bearer realm="https://t/token"'])).toEqual([
      { scheme: 'basic', params: { realm: 'a' } },
      { scheme: 'bearer', params: { realm: 'https://t/token' } },
    ]);
    expect(parseChallenges(undefined)).toEqual([]);
  });

  it('findChallenge picks the first of a scheme', () => {
    const challenges = parseChallenges('Basic realm="a", Bearer realm="https://one", Bearer realm="https://two"');
    expect(findChallenge(challenges, 'bearer')?.params.realm).toBe('https://one');
    expect(findChallenge(challenges, 'digest')).toBeUndefined();
  });
});
