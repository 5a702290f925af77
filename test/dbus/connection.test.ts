/** The D-Bus client against a scripted fake bus on a unix socket: answers, error replies, silence. */
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DBusConnection, DBusError } from '../../src/dbus/connection.js';
import { decodeMessage, messageLength } from '../../src/dbus/message.js';

/** A method return (or error) with an optional string body, little-endian, laid out by hand. */
function reply(replySerial: number, options: { errorName?: string; text?: string } = {}): Buffer {
  const bytes: number[] = [];
  const pad = (to: number) => {
    while (bytes.length % to) bytes.push(0);
  };
  const u32 = (value: number) => {
    pad(4);
    bytes.push(value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, (value >>> 24) & 0xff);
  };
  const string = (text: string) => {
    const data = Buffer.from(text);
    u32(data.length);
    bytes.push(...data, 0);
  };
  const body: number[] = [];
  if (options.text !== undefined) {
    const data = Buffer.from(options.text);
    body.push(data.length & 0xff, (data.length >> 8) & 0xff, 0, 0, ...data, 0);
  }
  bytes.push(0x6c, options.errorName ? 3 : 2, 0, 1);
  u32(body.length);
  u32(1000 + replySerial);
  const arrayAt = bytes.length;
  u32(0);
  pad(8);
  const start = bytes.length;
  pad(8);
  bytes.push(5, 1, 0x75, 0); // REPLY_SERIAL, signature "u"
  u32(replySerial);
  if (options.errorName) {
    pad(8);
    bytes.push(4, 1, 0x73, 0); // ERROR_NAME, "s"
    string(options.errorName);
  }
  if (options.text !== undefined) {
    pad(8);
    bytes.push(8, 1, 0x67, 0, 1, 0x73, 0); // SIGNATURE, "g", "s"
  }
  const length = bytes.length - start;
  bytes.splice(arrayAt, 4, length & 0xff, (length >> 8) & 0xff, 0, 0);
  pad(8);
  bytes.push(...body);
  return Buffer.from(bytes);
}

let dir: string;
let server: Server;
let path: string;
const sockets: Socket[] = [];

/** Starts a fake bus: `answer(serial)` returns the bytes to send back for each call, or nothing for silence. */
function fakeBus(answer: (serial: number) => Buffer | undefined, greeting = 'OK 0123456789abcdef\r\n'): Promise<void> {
  server = createServer((socket) => {
    sockets.push(socket);
    let buffer = Buffer.alloc(0);
    let authenticated = false;
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (!authenticated) {
        const end = buffer.indexOf('\r\n');
        if (end < 0) return;
        const line = buffer.toString('latin1', 0, end);
        buffer = buffer.subarray(end + 2);
        if (line.startsWith('\u0000AUTH EXTERNAL ')) socket.write(greeting);
        if (line === 'BEGIN') authenticated = true;
      }
      for (;;) {
        const length = messageLength(buffer);
        if (length === undefined || buffer.length < length) return;
        const message = decodeMessage(buffer.subarray(0, length));
        buffer = buffer.subarray(length);
        const bytes = answer(message.serial);
        if (bytes) socket.write(bytes);
      }
    });
  });
  return new Promise((resolve) => server.listen(path, resolve));
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tsstore-dbus-'));
  path = join(dir, 'bus');
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A bus that says OK to AUTH only once `ready` holds for the messages after BEGIN, and then sends OK and
 * `answers` in one write: a client that waits for OK before it writes what `ready` waits for never gets it.
 */
async function busHoldingOk(ready: (messages: Buffer) => boolean, answers: Buffer[]): Promise<{ received: () => Buffer }> {
  let received = Buffer.alloc(0);
  server = createServer((socket) => {
    sockets.push(socket);
    let answered = false;
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const begin = received.indexOf('BEGIN\r\n');
      if (answered || begin < 0 || !ready(received.subarray(begin + 7))) return;
      answered = true;
      socket.write(Buffer.concat([Buffer.from('OK 0123456789abcdef\r\n'), ...answers]));
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return { received: () => received };
}

describe('DBusConnection', () => {
  it('authenticates, says Hello first, and matches replies to calls', async () => {
    const serials: string[] = [];
    await fakeBus((serial) => {
      serials.push(String(serial));
      return serial === 1 ? reply(1, { text: ':1.42' }) : reply(serial, { text: `answer to ${serial}` });
    });
    const connection = await DBusConnection.open(path, 2000);
    const target = { destination: 'org.example', path: '/org/example', interface: 'org.example.I', member: 'Echo' };
    const [first, second] = await Promise.all([connection.call(target), connection.call(target)]);
    expect(first).toEqual(['answer to 2']);
    expect(second).toEqual(['answer to 3']);
    expect(serials).toEqual(['1', '2', '3']);
    connection.close();
    await expect(connection.call(target)).rejects.toThrow(DBusError);
  });

  it('sends AUTH, BEGIN and Hello in one go: a bus that answers AUTH only once it has Hello is one round trip', async () => {
    // This bus holds back its OK until the first message (Hello) is there; a client that waits for OK
    // before BEGIN and Hello never gets it.
    const bus = await busHoldingOk((messages) => {
      const hello = messageLength(messages);
      return hello !== undefined && messages.length >= hello;
    }, [reply(1, { text: ':1.7' })]);
    const connection = await DBusConnection.open(path, 1000);
    const received = bus.received();
    expect(received.toString('latin1', 0, received.indexOf('BEGIN'))).toMatch(/^\u0000AUTH EXTERNAL [0-9a-f]+\r\n$/);
    const hello = decodeMessage(received.subarray(received.indexOf('BEGIN\r\n') + 7));
    expect(hello.serial).toBe(1);
    expect(connection.broken).toBe(false);
    connection.close();
  });

  it('start: calls leave right behind AUTH, BEGIN and Hello, before the bus said OK', async () => {
    // This bus says OK (and answers) only once Hello and the call after it are there: a client that
    // waits for OK before writing its call never gets an answer (the call runs out of time).
    await busHoldingOk((messages) => {
      const hello = messageLength(messages);
      if (hello === undefined || messages.length < hello) return false;
      const call = messageLength(messages.subarray(hello));
      return call !== undefined && messages.length >= hello + call;
    }, [reply(1, { text: ':1.7' }), reply(2, { text: 'early' })]);
    const connection = DBusConnection.start(path, 1000);
    const answer = connection.call({ destination: 'org.example', path: '/org/example', interface: 'org.example.I', member: 'Echo' });
    expect(await answer).toEqual(['early']);
    await connection.accepted;
    connection.close();
  });

  it('start: a refused AUTH fails the calls already made with the refusal, and `accepted` too', async () => {
    await fakeBus(() => undefined, 'REJECTED EXTERNAL\r\n');
    const connection = DBusConnection.start(path, 5000);
    const call = connection.call({ destination: 'org.example', path: '/', interface: 'a.b', member: 'Early' });
    await expect(call).rejects.toThrow(/refused us: REJECTED EXTERNAL/);
    await expect(connection.accepted).rejects.toThrow(/refused us: REJECTED EXTERNAL/);
    expect(connection.broken).toBe(true);
  });

  it('start: a bus that never answers AUTH fails the calls already made once the deadline passed', async () => {
    await fakeBus(() => undefined, '');
    const connection = DBusConnection.start(path, 200);
    await expect(connection.call({ destination: 'org.example', path: '/', interface: 'a.b', member: 'Early' })).rejects.toThrow(/did not answer/);
    await expect(connection.accepted).rejects.toThrow(/did not answer in time/);
    expect(connection.broken).toBe(true);
  });

  it('turns an error reply into a DBusError with its name and text', async () => {
    await fakeBus((serial) =>
      serial === 1 ? reply(1, { text: ':1.1' }) : reply(serial, { errorName: 'org.freedesktop.DBus.Error.NameHasNoOwner', text: 'no such name' }),
    );
    const connection = await DBusConnection.open(path, 2000);
    const call = connection.call({ destination: 'org.freedesktop.secrets', path: '/', interface: 'a.b', member: 'C' });
    await expect(call).rejects.toMatchObject({ errorName: 'org.freedesktop.DBus.Error.NameHasNoOwner', message: 'org.freedesktop.DBus.Error.NameHasNoOwner: no such name' });
    connection.close();
  });

  it('gives up on a call that is never answered instead of hanging', async () => {
    await fakeBus((serial) => (serial === 1 ? reply(1, { text: ':1.1' }) : undefined));
    const connection = await DBusConnection.open(path, 200);
    await expect(connection.call({ destination: 'org.example', path: '/', interface: 'a.b', member: 'Silent' })).rejects.toThrow(/did not answer Silent in time/);
    connection.close();
  });

  it('gives up on a bus that never finishes authentication', async () => {
    await fakeBus(() => undefined, '');
    await expect(DBusConnection.open(path, 200)).rejects.toThrow(/did not answer in time/);
  });

  it('reports a refused authentication and a missing socket', async () => {
    await fakeBus(() => undefined, 'REJECTED EXTERNAL\r\n');
    await expect(DBusConnection.open(path, 2000)).rejects.toThrow(/refused us: REJECTED EXTERNAL/);
    await expect(DBusConnection.open(join(dir, 'nothing-here'), 2000)).rejects.toThrow(/ENOENT/);
  });
});
