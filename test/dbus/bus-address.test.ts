import { describe, expect, it } from 'vitest';
import { parseBusAddress, sessionBusLocation } from '../../src/dbus/bus-address.js';

describe('parseBusAddress', () => {
  it('takes the path of a unix address, unescaping %XX', () => {
    expect(parseBusAddress('unix:path=/tmp/dbus-abc,guid=0123')).toEqual({ kind: 'socket', path: '/tmp/dbus-abc', display: 'unix:path=/tmp/dbus-abc,guid=0123' });
    expect(parseBusAddress('unix:path=/run/user/1000/my%20bus')).toMatchObject({ kind: 'socket', path: '/run/user/1000/my bus' });
  });

  it('turns an abstract socket into a path that starts with NUL', () => {
    expect(parseBusAddress('unix:abstract=/tmp/dbus-xyz,guid=1')).toMatchObject({ kind: 'socket', path: '\u0000/tmp/dbus-xyz' });
  });

  it('takes the first usable entry of a list, and says when there is none', () => {
    expect(parseBusAddress('tcp:host=localhost,port=1;unix:path=/b')).toMatchObject({ kind: 'socket', path: '/b' });
    expect(parseBusAddress('tcp:host=localhost,port=1')).toEqual({ kind: 'unsupported', display: 'tcp:host=localhost,port=1' });
    expect(parseBusAddress('garbage')).toMatchObject({ kind: 'unsupported' });
    expect(parseBusAddress('unix:tmpdir=/tmp')).toMatchObject({ kind: 'unsupported' });
  });
});

describe('sessionBusLocation', () => {
  const noSocket = () => false;
  it('uses DBUS_SESSION_BUS_ADDRESS and nothing else', () => {
    expect(sessionBusLocation({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/x' }, noSocket)).toMatchObject({ kind: 'socket', path: '/x' });
    expect(sessionBusLocation({}, noSocket)).toEqual({ kind: 'none' });
  });

  it('points out a bus at $XDG_RUNTIME_DIR/bus without using it (the keyring library would not)', () => {
    expect(sessionBusLocation({ XDG_RUNTIME_DIR: '/run/user/1000' }, (path) => path === '/run/user/1000/bus')).toEqual({
      kind: 'none',
      runtimeBus: '/run/user/1000/bus',
    });
    expect(sessionBusLocation({ XDG_RUNTIME_DIR: '/run/user/1000' }, noSocket)).toEqual({ kind: 'none' });
  });
});
