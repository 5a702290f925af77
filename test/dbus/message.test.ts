import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEADER_FIELD, MESSAGE_TYPE, decodeMessage, encodeMethodCall, messageLength } from '../../src/dbus/message.js';
import { type DBusValue, DBusWireError, completeTypeEnd, splitSignature } from '../../src/dbus/types.js';

// Built independently (by hand, with Python's struct module) from the D-Bus specification.
const HELLO_HEX =
  '6c01000100000000010000006d00000001016f00150000002f6f72672f667265656465736b746f702f4442757300000002017300140000006f72672e667265656465736b746f702e4442757300000000030173000500000048656c6c6f00000006017300140000006f72672e667265656465736b746f702e4442757300000000';
// A big-endian method return to serial 5, signature "aoao": two paths, then an empty array.
const SEARCH_REPLY_BIG_ENDIAN_HEX =
  '4202000100000068000000090000001205017500000000050801670004616f616f00000000000000000000600000002b2f6f72672f667265656465736b746f702f736563726574732f636f6c6c656374696f6e2f6c6f67696e2f31000000002b2f6f72672f667265656465736b746f702f736563726574732f636f6c6c656374696f6e2f6c6f67696e2f320000000000';

describe('signatures', () => {
  it('splits into complete types', () => {
    expect(splitSignature('')).toEqual([]);
    expect(splitSignature('sa{sv}(yv)aao')).toEqual(['s', 'a{sv}', '(yv)', 'aao']);
    expect(completeTypeEnd('a(ybv)s', 0)).toBe(6);
  });

  it('refuses what it cannot read', () => {
    expect(() => splitSignature('a')).toThrow(DBusWireError);
    expect(() => splitSignature('(ss')).toThrow(DBusWireError);
    expect(() => splitSignature('z')).toThrow(/unsupported type "z"/);
  });
});

describe('encodeMethodCall', () => {
  it('writes Hello exactly as the specification lays it out', () => {
    const hello = encodeMethodCall({ serial: 1, destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus', member: 'Hello' });
    expect(hello.toString('hex')).toBe(HELLO_HEX);
  });

  it('sets NO_AUTO_START only when asked', () => {
    const base = { serial: 2, destination: 'org.freedesktop.secrets', path: '/org/freedesktop/secrets', interface: 'x.y', member: 'Z' };
    expect(encodeMethodCall(base)[2]).toBe(0);
    expect(encodeMethodCall({ ...base, autoStart: false })[2]).toBe(2);
  });

  it('round-trips bodies of every type it writes, with the padding the specification requires', () => {
    const body: DBusValue[] = [
      7,
      true,
      -3,
      65000,
      -70000,
      4000000000,
      -(2n ** 40n),
      2n ** 63n,
      1.5,
      'ünï\u{1F511}',
      '/org/freedesktop/secrets/aliases/default',
      'a{sv}',
      { signature: 'as', value: ['x', 'y'] },
      [
        ['Label', { signature: 's', value: 'Login' }],
        ['Locked', { signature: 'b', value: false }],
      ],
      [['service', 'tsstore'], ['username', 'host:5000']],
      [[1, { signature: 't', value: 9n }]],
      [],
    ];
    const signature = 'ybnqiuxtdsogva{sv}a{ss}a(yv)ao';
    const message = decodeMessage(encodeMethodCall({ serial: 77, destination: 'd', path: '/p', interface: 'i.f', member: 'M', signature, body }));
    expect(message.serial).toBe(77);
    expect(message.type).toBe(MESSAGE_TYPE.methodCall);
    expect(message.signature).toBe(signature);
    expect(message.body).toEqual(body);
  });

  it('round-trips any attribute dictionary (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string().filter((s) => !s.includes('\u0000')), fc.string().filter((s) => !s.includes('\u0000')))), (pairs) => {
        const message = decodeMessage(encodeMethodCall({ serial: 3, destination: 'd', path: '/', interface: 'a.b', member: 'C', signature: 'a{ss}', body: [pairs] }));
        expect(message.body).toEqual([pairs]);
      }),
    );
  });

  it('round-trips byte arrays, alone and inside structs and variants, as each byte would be written (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 600 }), fc.string().filter((s) => !s.includes('\u0000')), (bytes, text) => {
        const body: DBusValue[] = [bytes, ['/s', bytes, text], { signature: 'ay', value: bytes }, [bytes, []]];
        const message = decodeMessage(encodeMethodCall({ serial: 5, destination: 'd', path: '/', interface: 'a.b', member: 'C', signature: 'ay(oays)vaay', body }));
        expect(message.body).toEqual(body);
      }),
    );
  });

  it('refuses values that do not fit their type, and NUL in strings', () => {
    const call = (signature: string, body: DBusValue[]) => () => encodeMethodCall({ serial: 1, destination: 'd', path: '/', interface: 'a.b', member: 'C', signature, body });
    expect(call('s', [1])).toThrow(/expected a string/);
    expect(call('s', ['a\u0000b'])).toThrow(/NUL/);
    expect(call('u', ['1'])).toThrow(/expected a number/);
    expect(call('ay', [[1, '2']])).toThrow(/expected a number for y/);
    expect(call('ay', [[256]])).toThrow(RangeError);
    expect(call('y', [256])).toThrow(RangeError);
    expect(call('(ss)', [['only one']])).toThrow(/needs 2 members/);
    expect(call('ss', ['one'])).toThrow(/has 2 values, got 1/);
  });
});

describe('decodeMessage', () => {
  it('reads a big-endian method return: reply serial, signature and body', () => {
    const message = decodeMessage(Buffer.from(SEARCH_REPLY_BIG_ENDIAN_HEX, 'hex'));
    expect(message).toEqual({
      type: MESSAGE_TYPE.methodReturn,
      flags: 0,
      serial: 9,
      replySerial: 5,
      signature: 'aoao',
      body: [['/org/freedesktop/secrets/collection/login/1', '/org/freedesktop/secrets/collection/login/2'], []],
    });
    expect(HEADER_FIELD.replySerial).toBe(5);
  });

  it('knows a message\'s length from its first 16 bytes, and refuses truncated or foreign bytes', () => {
    const bytes = Buffer.from(SEARCH_REPLY_BIG_ENDIAN_HEX, 'hex');
    expect(messageLength(bytes.subarray(0, 15))).toBeUndefined();
    expect(messageLength(bytes.subarray(0, 16))).toBe(bytes.length);
    expect(() => decodeMessage(bytes.subarray(0, bytes.length - 1))).toThrow(/ends too early/);
    expect(() => decodeMessage(Buffer.from('x'.repeat(32)))).toThrow(/bad endianness mark/);
    const tooLong = Buffer.from(bytes);
    tooLong.writeUInt32BE(0x7fffffff, 4);
    expect(() => messageLength(tooLong)).toThrow(/too long/);
  });

  it('never throws anything but DBusWireError on garbage (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 200 }), (bytes) => {
        const data = Buffer.from(bytes);
        data[0] = 0x6c; // 'l'
        data[3] = 1;
        try {
          decodeMessage(data);
        } catch (error) {
          expect(error).toBeInstanceOf(DBusWireError);
        }
      }),
    );
  });
});
