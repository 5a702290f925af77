import { describe, expect, it } from 'vitest';
import { AGENT_PROTOCOL_VERSION, keyDigest, parseRequest, parseResponse, requestFrame, responseFrame } from '../../src/agent/protocol.js';

describe('agent protocol', () => {
  it('round-trips every request through its frame', () => {
    const requests = [
      { op: 'status' },
      { op: 'lock' },
      { op: 'unlock', passphrase: 'pä55 wörd', ttlMs: 2000 },
      { op: 'decrypt', message: '-----BEGIN PGP MESSAGE-----', keyDigest: 'f00' },
    ] as const;
    for (const request of requests) expect(parseRequest(JSON.parse(JSON.stringify(requestFrame(request))))).toEqual(request);
  });

  it('refuses malformed requests without echoing them', () => {
    const secret = 'do-not-echo-me';
    const bad: unknown[] = [
      null,
      [],
      'status',
      { op: 'status' }, // no version
      { v: 2, op: 'status' },
      { v: 1, op: 'export-key' },
      { v: 1, op: 'unlock', passphrase: '', ttlMs: 1000 },
      { v: 1, op: 'unlock', passphrase: secret },
      { v: 1, op: 'unlock', passphrase: secret, ttlMs: -1 },
      { v: 1, op: 'unlock', passphrase: secret, ttlMs: 1.5 },
      { v: 1, op: 'decrypt', message: secret },
    ];
    for (const value of bad) {
      const parsed = parseRequest(value);
      expect(parsed).toHaveProperty('invalid');
      expect(JSON.stringify(parsed)).not.toContain(secret);
    }
  });

  it('parses the answers it sends and nothing else', () => {
    const state = { unlocked: true, pid: 42, expiresAt: 1_700_000_000_000, fingerprint: 'ab', keyDigest: 'cd' };
    const answers = [
      { ok: true, state },
      { ok: true, state: { unlocked: false, pid: 1, expiresAt: null, fingerprint: null, keyDigest: null } },
      { ok: true, plaintext: '{"Secret":"x"}' },
      { ok: false, error: 'wrong-passphrase', message: 'wrong passphrase for the store key' },
    ] as const;
    for (const answer of answers) expect(parseResponse(JSON.parse(JSON.stringify(responseFrame(answer))))).toEqual(answer);
    expect(parseResponse({ ok: true, state })).toBeUndefined(); // no version
    expect(parseResponse({ v: AGENT_PROTOCOL_VERSION, ok: true })).toBeUndefined();
    expect(parseResponse({ v: AGENT_PROTOCOL_VERSION, ok: false, error: 'teapot', message: 'x' })).toBeUndefined();
    expect(parseResponse({ v: AGENT_PROTOCOL_VERSION, ok: true, state: { ...state, pid: '42' } })).toBeUndefined();
  });

  it('names a key file by a digest that changes with any byte of it', () => {
    expect(keyDigest('a')).toMatch(/^[0-9a-f]{64}$/);
    expect(keyDigest('a')).toBe(keyDigest('a'));
    expect(keyDigest('a')).not.toBe(keyDigest('b'));
  });
});
