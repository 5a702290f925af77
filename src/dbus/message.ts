/**
 * D-Bus messages, as pure functions: a method call to send, the length and contents of a message
 * received. The values inside are types.ts's; marshal.ts and unmarshal.ts lay them out.
 */
import { Marshaller } from './marshal.js';
import { type DBusValue, type DBusVariant, DBusWireError, splitSignature } from './types.js';
import { Unmarshaller } from './unmarshal.js';

export const MESSAGE_TYPE = { methodCall: 1, methodReturn: 2, error: 3, signal: 4 } as const;

export const HEADER_FIELD = {
  path: 1,
  interface: 2,
  member: 3,
  errorName: 4,
  replySerial: 5,
  destination: 6,
  sender: 7,
  signature: 8,
  unixFds: 9,
} as const;

export const FLAG_NO_AUTO_START = 0x2;

/** A message cannot be longer than this (the D-Bus specification's limit). */
export const MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

export interface MethodCall {
  serial: number;
  destination: string;
  path: string;
  interface: string;
  member: string;
  signature?: string;
  body?: DBusValue[];
  /** false: fail with ServiceUnknown instead of starting the destination through D-Bus activation. */
  autoStart?: boolean;
}

export interface Message {
  type: number;
  flags: number;
  serial: number;
  replySerial?: number;
  errorName?: string;
  signature: string;
  body: DBusValue[];
}

/** A method call, little-endian, ready to send. */
export function encodeMethodCall(call: MethodCall): Buffer {
  const signature = call.signature ?? '';
  const bodyWriter = new Marshaller();
  const types = splitSignature(signature);
  const values = call.body ?? [];
  if (types.length !== values.length) {
    throw new DBusWireError(`signature "${signature}" has ${types.length} values, got ${values.length}`);
  }
  types.forEach((type, index) => bodyWriter.write(type, values[index] as DBusValue));
  const body = bodyWriter.result();

  const fields: DBusValue[] = [
    [HEADER_FIELD.path, { signature: 'o', value: call.path }],
    [HEADER_FIELD.interface, { signature: 's', value: call.interface }],
    [HEADER_FIELD.member, { signature: 's', value: call.member }],
    [HEADER_FIELD.destination, { signature: 's', value: call.destination }],
  ];
  if (signature !== '') fields.push([HEADER_FIELD.signature, { signature: 'g', value: signature }]);

  const writer = new Marshaller();
  writer.byte('l'.charCodeAt(0));
  writer.byte(MESSAGE_TYPE.methodCall);
  writer.byte(call.autoStart === false ? FLAG_NO_AUTO_START : 0); // a reply is always expected
  writer.byte(1); // protocol version
  writer.uint32(body.length);
  writer.uint32(call.serial);
  writer.write('a(yv)', fields);
  writer.align(8);
  writer.bytes(body);
  return writer.result();
}

/** How many bytes the message at the start of `data` takes, once its 16 fixed bytes are there. */
export function messageLength(data: Buffer): number | undefined {
  if (data.length < 16) return undefined;
  const littleEndian = endianness(data);
  const bodyLength = littleEndian ? data.readUInt32LE(4) : data.readUInt32BE(4);
  const fieldsLength = littleEndian ? data.readUInt32LE(12) : data.readUInt32BE(12);
  const headerEnd = 16 + fieldsLength;
  const total = headerEnd + ((8 - (headerEnd % 8)) % 8) + bodyLength;
  if (total > MAX_MESSAGE_BYTES) throw new DBusWireError('message is too long');
  return total;
}

function endianness(data: Buffer): boolean {
  const mark = String.fromCharCode(data.readUInt8(0));
  if (mark === 'l') return true;
  if (mark === 'B') return false;
  throw new DBusWireError('not a D-Bus message (bad endianness mark)');
}

/** Decodes one complete message (`data` holds exactly it). */
export function decodeMessage(data: Buffer): Message {
  const total = messageLength(data);
  if (total === undefined || data.length < total) throw new DBusWireError('message ends too early');
  const littleEndian = endianness(data);
  const reader = new Unmarshaller(data, littleEndian, 0, total);
  reader.offset = 1;
  const type = reader.read('y') as number;
  const flags = reader.read('y') as number;
  const version = reader.read('y') as number;
  if (version !== 1) throw new DBusWireError(`unsupported D-Bus protocol version ${version}`);
  const bodyLength = reader.uint32();
  const serial = reader.uint32();
  const fields = reader.read('a(yv)') as DBusValue[];
  reader.align(8);
  const bodyStart = reader.offset;

  const message: Message = { type, flags, serial, signature: '', body: [] };
  for (const field of fields) {
    const [code, variant] = field as [number, DBusVariant];
    if (code === HEADER_FIELD.replySerial && typeof variant.value === 'number') message.replySerial = variant.value;
    if (code === HEADER_FIELD.errorName && typeof variant.value === 'string') message.errorName = variant.value;
    if (code === HEADER_FIELD.signature && typeof variant.value === 'string') message.signature = variant.value;
  }
  const bodyReader = new Unmarshaller(data, littleEndian, bodyStart, bodyStart + bodyLength);
  message.body = splitSignature(message.signature).map((bodyType) => bodyReader.read(bodyType));
  return message;
}
