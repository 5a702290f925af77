/** Writes D-Bus values, little-endian, with the padding the specification requires. Pure. */
import { type DBusValue, type DBusVariant, DBusWireError, alignmentOf, splitSignature } from './types.js';

export class Marshaller {
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

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  result(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.length));
  }

  /** Appends `value` as `type`, one complete type. */
  write(type: string, value: DBusValue): void {
    const code = type[0];
    if (code === 's' || code === 'o' || code === 'g') this.string(code, expectString(value, type));
    else if (code === 'v') this.variant(expectVariant(value));
    else if (code === 'a') this.array(type.slice(1), expectArray(value, type));
    else if (code === '(' || code === '{') this.struct(type, value);
    else this.fixed(code, value, type);
  }

  /** The fixed-size types: numbers and booleans (no closures per value: see unmarshal.ts). */
  private fixed(code: string | undefined, value: DBusValue, type: string): void {
    switch (code) {
      case 'y':
        return this.byte(expectNumber(value, type));
      case 'b':
        return this.uint32(expectBoolean(value, type) ? 1 : 0);
      case 'u':
      case 'h':
        return this.uint32(expectNumber(value, type));
      case 'n':
      case 'q': {
        const offset = this.claim(2);
        if (code === 'n') this.buffer.writeInt16LE(expectNumber(value, type), offset);
        else this.buffer.writeUInt16LE(expectNumber(value, type), offset);
        return;
      }
      case 'i':
        this.buffer.writeInt32LE(expectNumber(value, type), this.claim(4));
        return;
      case 'x':
      case 't': {
        const offset = this.claim(8);
        const big = typeof value === 'bigint' ? value : BigInt(expectNumber(value, type));
        if (code === 'x') this.buffer.writeBigInt64LE(big, offset);
        else this.buffer.writeBigUInt64LE(big, offset);
        return;
      }
      case 'd':
        this.buffer.writeDoubleLE(expectNumber(value, type), this.claim(8));
        return;
      default:
        throw new DBusWireError(`cannot write type "${type}"`);
    }
  }

  /** The offset of `size` more bytes, aligned to their own size and reserved. */
  private claim(size: number): number {
    this.align(size);
    this.reserve(size);
    const offset = this.length;
    this.length += size;
    return offset;
  }

  /** s and o: a 32-bit length; g (a signature): an 8-bit one. Both end with NUL. */
  private string(code: 's' | 'o' | 'g', value: string): void {
    const text = Buffer.from(value, 'utf8');
    if (code === 'g') {
      if (text.length > 255) throw new DBusWireError('a signature is longer than 255 bytes');
      this.byte(text.length);
    } else {
      this.uint32(text.length);
    }
    this.bytes(text);
    this.byte(0);
  }

  private variant(variant: DBusVariant): void {
    this.write('g', variant.signature);
    this.write(variant.signature, variant.value);
  }

  /** The byte length first (patched in once known), then the elements from their first alignment. */
  private array(elementType: string, elements: DBusValue[]): void {
    this.uint32(0);
    const lengthOffset = this.length - 4;
    this.align(alignmentOf(elementType[0]));
    const start = this.length;
    if (elementType === 'y') this.byteElements(elements);
    else for (const element of elements) this.write(elementType, element);
    this.buffer.writeUInt32LE(this.length - start, lengthOffset);
  }

  /**
   * An `ay` (a public key, an encrypted secret) in one loop, as `byte` would write each: a value at a
   * time through `write` costs ~1 ms more on `get`, before the JIT has warmed up.
   */
  private byteElements(elements: DBusValue[]): void {
    this.reserve(elements.length);
    for (const element of elements) this.buffer.writeUInt8(expectNumber(element, 'y'), this.length++);
  }

  /** Structs and dict entries: their members, from an 8-byte boundary. */
  private struct(type: string, value: DBusValue): void {
    const fields = splitSignature(type.slice(1, -1));
    const members = expectArray(value, type);
    if (members.length !== fields.length) {
      throw new DBusWireError(`a ${type} needs ${fields.length} members, got ${members.length}`);
    }
    this.align(8);
    fields.forEach((field, index) => this.write(field, members[index] as DBusValue));
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
