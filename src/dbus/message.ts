/**
 * The D-Bus wire format, as pure functions: enough of it to ask a Secret Service a few questions
 * (is there one, is its default collection locked, where are our items) without loading the native
 * keyring addon. Values are plain data: strings, numbers, booleans, bigints, arrays (arrays, structs
 * and dict entries alike) and variants.
 */

export type DBusValue = string | number | bigint | boolean | DBusVariant | DBusValue[];

export interface DBusVariant {
  signature: string;
  value: DBusValue;
}

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

export class DBusWireError extends Error {
  override readonly name = 'DBusWireError';
}

// ---- signatures ----------------------------------------------------------------------------------

/** Index just past the single complete type that starts at `start` in `signature`. */
export function completeTypeEnd(signature: string, start: number): number {
  const code = signature[start];
  if (code === undefined) throw new DBusWireError(`signature "${signature}" ends too early`);
  if ('ybnqiuxtdsogvh'.includes(code)) return start + 1;
  if (code === 'a') return completeTypeEnd(signature, start + 1);
  if (code === '(' || code === '{') {
    const close = code === '(' ? ')' : '}';
    let index = start + 1;
    while (signature[index] !== close) {
      if (index >= signature.length) throw new DBusWireError(`signature "${signature}" is not closed`);
      index = completeTypeEnd(signature, index);
    }
    return index + 1;
  }
  throw new DBusWireError(`unsupported type "${code}" in signature "${signature}"`);
}

/** Splits a signature into its complete types: "sa{sv}" -> ["s", "a{sv}"]. */
export function splitSignature(signature: string): string[] {
  const types: string[] = [];
  for (let index = 0; index < signature.length; ) {
    const end = completeTypeEnd(signature, index);
    types.push(signature.slice(index, end));
    index = end;
  }
  return types;
}

function alignmentOf(code: string | undefined): number {
  switch (code) {
    case 'y':
    case 'g':
    case 'v':
      return 1;
    case 'n':
    case 'q':
      return 2;
    case 'x':
    case 't':
    case 'd':
    case '(':
    case '{':
      return 8;
    default:
      return 4; // b i u h s o a
  }
}

// ---- writing -------------------------------------------------------------------------------------

class Writer {
  private buffer = Buffer.alloc(256);
  length = 0;

  private reserve(count: number): void {
    if (this.length + count <= this.buffer.length) return;
    const bigger = Buffer.alloc(Math.max(this.buffer.length * 2, this.length + count));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  align(to: number): void {
    const padding = (to - (this.length % to)) % to;
    this.reserve(padding);
    this.buffer.fill(0, this.length, this.length + padding);
    this.length += padding;
  }

  byte(value: number): void {
    this.reserve(1);
    this.buffer.writeUInt8(value, this.length);
    this.length += 1;
  }

  uint32(value: number): void {
    this.align(4);
    this.reserve(4);
    this.buffer.writeUInt32LE(value, this.length);
    this.length += 4;
  }

  patchUint32(offset: number, value: number): void {
    this.buffer.writeUInt32LE(value, offset);
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  result(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }

  write(type: string, value: DBusValue): void {
    const code = type[0];
    switch (code) {
      case 'y':
        this.byte(expectNumber(value, type));
        return;
      case 'b':
        this.uint32(expectBoolean(value, type) ? 1 : 0);
        return;
      case 'n':
      case 'q': {
        this.align(2);
        this.reserve(2);
        const number = expectNumber(value, type);
        if (code === 'n') this.buffer.writeInt16LE(number, this.length);
        else this.buffer.writeUInt16LE(number, this.length);
        this.length += 2;
        return;
      }
      case 'i':
        this.align(4);
        this.reserve(4);
        this.buffer.writeInt32LE(expectNumber(value, type), this.length);
        this.length += 4;
        return;
      case 'u':
      case 'h':
        this.uint32(expectNumber(value, type));
        return;
      case 'x':
      case 't': {
        this.align(8);
        this.reserve(8);
        const big = typeof value === 'bigint' ? value : BigInt(expectNumber(value, type));
        if (code === 'x') this.buffer.writeBigInt64LE(big, this.length);
        else this.buffer.writeBigUInt64LE(big, this.length);
        this.length += 8;
        return;
      }
      case 'd':
        this.align(8);
        this.reserve(8);
        this.buffer.writeDoubleLE(expectNumber(value, type), this.length);
        this.length += 8;
        return;
      case 's':
      case 'o': {
        const text = Buffer.from(expectString(value, type), 'utf8');
        this.uint32(text.length);
        this.bytes(text);
        this.byte(0);
        return;
      }
      case 'g': {
        const text = Buffer.from(expectString(value, type), 'utf8');
        if (text.length > 255) throw new DBusWireError('a signature is longer than 255 bytes');
        this.byte(text.length);
        this.bytes(text);
        this.byte(0);
        return;
      }
      case 'v': {
        const variant = expectVariant(value);
        this.write('g', variant.signature);
        this.write(variant.signature, variant.value);
        return;
      }
      case 'a': {
        const elementType = type.slice(1);
        const elements = expectArray(value, type);
        this.uint32(0);
        const lengthOffset = this.length - 4;
        this.align(alignmentOf(elementType[0]));
        const start = this.length;
        for (const element of elements) this.write(elementType, element);
        this.patchUint32(lengthOffset, this.length - start);
        return;
      }
      case '(':
      case '{': {
        const fields = splitSignature(type.slice(1, -1));
        const members = expectArray(value, type);
        if (members.length !== fields.length) {
          throw new DBusWireError(`a ${type} needs ${fields.length} members, got ${members.length}`);
        }
        this.align(8);
        fields.forEach((field, index) => this.write(field, members[index] as DBusValue));
        return;
      }
      default:
        throw new DBusWireError(`cannot write type "${type}"`);
    }
  }
}

function expectNumber(value: DBusValue, type: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new DBusWireError(`expected a number for ${type}`);
  return value;
}

function expectBoolean(value: DBusValue, type: string): boolean {
  if (typeof value !== 'boolean') throw new DBusWireError(`expected a boolean for ${type}`);
  return value;
}

function expectString(value: DBusValue, type: string): string {
  if (typeof value !== 'string') throw new DBusWireError(`expected a string for ${type}`);
  if (value.includes('\u0000')) throw new DBusWireError('D-Bus strings cannot contain NUL');
  return value;
}

function expectArray(value: DBusValue, type: string): DBusValue[] {
  if (!Array.isArray(value)) throw new DBusWireError(`expected an array for ${type}`);
  return value;
}

function expectVariant(value: DBusValue): DBusVariant {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DBusWireError('expected a variant');
  }
  return value;
}

/** A method call, little-endian, ready to send. */
export function encodeMethodCall(call: MethodCall): Buffer {
  const signature = call.signature ?? '';
  const bodyWriter = new Writer();
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

  const writer = new Writer();
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

// ---- reading -------------------------------------------------------------------------------------

class Reader {
  offset: number;

  constructor(
    private readonly data: Buffer,
    private readonly littleEndian: boolean,
    start: number,
    private readonly end: number,
  ) {
    this.offset = start;
  }

  private need(count: number): void {
    if (this.offset + count > this.end) throw new DBusWireError('message ends too early');
  }

  align(to: number): void {
    this.offset += (to - (this.offset % to)) % to;
    if (this.offset > this.end) throw new DBusWireError('message ends too early');
  }

  uint32(): number {
    this.align(4);
    this.need(4);
    const value = this.littleEndian ? this.data.readUInt32LE(this.offset) : this.data.readUInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  read(type: string, depth = 0): DBusValue {
    if (depth > 64) throw new DBusWireError('values nested too deeply');
    const code = type[0];
    const le = this.littleEndian;
    switch (code) {
      case 'y':
        this.need(1);
        return this.data.readUInt8(this.offset++);
      case 'b': {
        const value = this.uint32();
        if (value > 1) throw new DBusWireError('a boolean is neither 0 nor 1');
        return value === 1;
      }
      case 'n':
      case 'q': {
        this.align(2);
        this.need(2);
        const value =
          code === 'n'
            ? le ? this.data.readInt16LE(this.offset) : this.data.readInt16BE(this.offset)
            : le ? this.data.readUInt16LE(this.offset) : this.data.readUInt16BE(this.offset);
        this.offset += 2;
        return value;
      }
      case 'i': {
        this.align(4);
        this.need(4);
        const value = le ? this.data.readInt32LE(this.offset) : this.data.readInt32BE(this.offset);
        this.offset += 4;
        return value;
      }
      case 'u':
      case 'h':
        return this.uint32();
      case 'x':
      case 't': {
        this.align(8);
        this.need(8);
        const value =
          code === 'x'
            ? le ? this.data.readBigInt64LE(this.offset) : this.data.readBigInt64BE(this.offset)
            : le ? this.data.readBigUInt64LE(this.offset) : this.data.readBigUInt64BE(this.offset);
        this.offset += 8;
        return value;
      }
      case 'd': {
        this.align(8);
        this.need(8);
        const value = le ? this.data.readDoubleLE(this.offset) : this.data.readDoubleBE(this.offset);
        this.offset += 8;
        return value;
      }
      case 's':
      case 'o': {
        const length = this.uint32();
        this.need(length + 1);
        const text = this.data.toString('utf8', this.offset, this.offset + length);
        this.offset += length + 1;
        return text;
      }
      case 'g': {
        this.need(1);
        const length = this.data.readUInt8(this.offset++);
        this.need(length + 1);
        const text = this.data.toString('ascii', this.offset, this.offset + length);
        this.offset += length + 1;
        return text;
      }
      case 'v': {
        const signature = this.read('g') as string;
        if (splitSignature(signature).length !== 1) throw new DBusWireError('a variant holds more than one type');
        return { signature, value: this.read(signature, depth + 1) };
      }
      case 'a': {
        const length = this.uint32();
        if (length > 64 * 1024 * 1024) throw new DBusWireError('an array is too long');
        const elementType = type.slice(1);
        this.align(alignmentOf(elementType[0]));
        const end = this.offset + length;
        if (end > this.end) throw new DBusWireError('message ends too early');
        const elements: DBusValue[] = [];
        while (this.offset < end) elements.push(this.read(elementType, depth + 1));
        if (this.offset !== end) throw new DBusWireError('an array element overruns the array');
        return elements;
      }
      case '(':
      case '{': {
        this.align(8);
        return splitSignature(type.slice(1, -1)).map((field) => this.read(field, depth + 1));
      }
      default:
        throw new DBusWireError(`cannot read type "${type}"`);
    }
  }
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
  const reader = new Reader(data, littleEndian, 0, total);
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
  const bodyReader = new Reader(data, littleEndian, bodyStart, bodyStart + bodyLength);
  message.body = splitSignature(message.signature).map((bodyType) => bodyReader.read(bodyType));
  return message;
}
