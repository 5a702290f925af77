import { describe, expect, it } from 'vitest';
import { describeState } from '../../../../src/backends/keyring/secret-service/messages.js';

describe('Secret Service states', () => {
  it('describe every state in a phrase', () => {
    expect(describeState({ state: 'ready', address: 'a', collection: { path: '/p', label: 'Login', locked: false } })).toBe('the Secret Service answers, collection "Login" is unlocked');
    expect(describeState({ state: 'no-bus', detail: 'DBUS_SESSION_BUS_ADDRESS is not set' })).toBe('no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)');
  });
});
