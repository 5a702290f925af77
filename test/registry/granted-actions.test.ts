import { describe, expect, it } from 'vitest';
import { grantedActions, pullPushScope } from '../../src/registry/granted-actions.js';

const part = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
/** A JWT with a signature nobody checks here. */
const jwt = (claims: unknown) => `${part({ alg: 'ES256', typ: 'JWT' })}.${part(claims)}.c2lnbmF0dXJl`;

describe('grantedActions: what a token grants on one repository', () => {
  it('reads the actions of the matching repository entry, merged, sorted and without duplicates', () => {
    const token = jwt({
      sub: 'alice',
      access: [
        { type: 'repository', name: 'dream/app', actions: ['push', 'pull'] },
        { type: 'repository', name: 'dream/app', actions: ['pull', '*'] },
        { type: 'repository', name: 'dream/base', actions: ['pull'] },
        { type: 'registry', name: 'dream/app', actions: ['delete'] },
      ],
    });
    expect(grantedActions(token, 'dream/app')).toEqual({ readable: true, actions: ['*', 'pull', 'push'] });
    expect(grantedActions(token, 'dream/base')).toEqual({ readable: true, actions: ['pull'] });
    expect(grantedActions(token, 'dream/other')).toEqual({ readable: true, actions: [] });
  });

  it('an empty or absent access claim grants nothing', () => {
    expect(grantedActions(jwt({ access: [] }), 'a/b')).toEqual({ readable: true, actions: [] });
    expect(grantedActions(jwt({ sub: 'alice' }), 'a/b')).toEqual({ readable: true, actions: [] });
  });

  it('skips malformed entries and non-string actions', () => {
    const token = jwt({ access: [null, 'x', { type: 'repository', name: 'a/b', actions: 'pull' }, { type: 'repository', name: 'a/b', actions: ['pull', 3, null] }] });
    expect(grantedActions(token, 'a/b')).toEqual({ readable: true, actions: ['pull'] });
  });

  it.each([
    ['an opaque token', 'dGhpcyBpcyBvcGFxdWU=', 'the token is not a JWT'],
    ['two parts', 'abc.def', 'the token is not a JWT'],
    ['a payload that is not JSON', `${part('{}')}.${part('not json')}.sig`, 'the token is not a JWT (its payload is not JSON)'],
    ['a payload that is a list', jwt([1, 2]), 'the token is not a JWT (its payload is not an object)'],
    ['an access claim that is not a list', jwt({ access: { name: 'a/b' } }), 'the token\'s "access" claim is not a list'],
  ])('%s: the actions cannot be read', (_name, token, why) => {
    expect(grantedActions(token, 'a/b')).toEqual({ readable: false, why });
  });

  it('the scope docker asks for on push', () => {
    expect(pullPushScope('dream/app')).toBe('repository:dream/app:pull,push');
  });
});
