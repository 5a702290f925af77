/** Reads D-Bus values of either byte order, checking every length and offset against the message's end. Pure. */
import { type DBusValue, DBusWireError, alignmentOf, splitSignature } from './types.js';

export class Unmarshaller {
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

  /** Reads one value of `type`, one complete type. */
  read(type: string, depth = 0): DBusValue {
    if (depth > 64) throw new DBusWireError('values nested too deeply');
    const code = type[0];
    if (code === 's' || code === 'o' || code === 'g') return this.string(code);
    if (code === 'v') return this.variant(depth);
    if (code === 'a') return this.array(type.slice(1), depth);
    if (code === '(' || code === '{') {
      this.align(8);
      return splitSignature(type.slice(1, -1)).map((field) => this.read(field, depth + 1));
    }
    return this.fixed(code, type);
  }

  // No closures per value here: these run for every value of every reply, before any JIT.

  /** The fixed-size types: numbers and booleans. */
  private fixed(code: string | undefined, type: string): DBusValue {
    const { data, littleEndian: le } = this;
    switch (code) {
      case 'y':
        this.need(1);
        return data.readUInt8(this.offset++);
      case 'b': {
        const value = this.uint32();
        if (value > 1) throw new DBusWireError('a boolean is neither 0 nor 1');
        return value === 1;
      }
      case 'u':
      case 'h':
        return this.uint32();
      case 'n':
      case 'q': {
        const offset = this.claim(2);
        if (code === 'n') return le ? data.readInt16LE(offset) : data.readInt16BE(offset);
        return le ? data.readUInt16LE(offset) : data.readUInt16BE(offset);
      }
      case 'i': {
        const offset = this.claim(4);
        return le ? data.readInt32LE(offset) : data.readInt32BE(offset);
      }
      case 'x':
      case 't': {
        const offset = this.claim(8);
        if (code === 'x') return le ? data.readBigInt64LE(offset) : data.readBigInt64BE(offset);
        return le ? data.readBigUInt64LE(offset) : data.readBigUInt64BE(offset);
      }
      case 'd': {
        const offset = this.claim(8);
        return le ? data.readDoubleLE(offset) : data.readDoubleBE(offset);
      }
      default:
        throw new DBusWireError(`cannot read type "${type}"`);
    }
  }

  /** The offset of the next `size` bytes, aligned to their own size; the reader moves past them. */
  private claim(size: number): number {
    this.align(size);
    this.need(size);
    const offset = this.offset;
    this.offset += size;
    return offset;
  }

  /** s and o: a 32-bit length, UTF-8; g (a signature): an 8-bit length, ASCII. Both end with NUL. */
  private string(code: 's' | 'o' | 'g'): string {
    const length = code === 'g' ? (this.fixed('y', 'y') as number) : this.uint32();
    this.need(length + 1);
    const text = this.data.toString(code === 'g' ? 'ascii' : 'utf8', this.offset, this.offset + length);
    this.offset += length + 1;
    return text;
  }

  private variant(depth: number): DBusValue {
    const signature = this.string('g');
    if (splitSignature(signature).length !== 1) throw new DBusWireError('a variant holds more than one type');
    return { signature, value: this.read(signature, depth + 1) };
  }

  private array(elementType: string, depth: number): DBusValue[] {
    const length = this.uint32();
    if (length > 64 * 1024 * 1024) throw new DBusWireError('an array is too long');
    this.align(alignmentOf(elementType[0]));
    const end = this.offset + length;
    if (end > this.end) throw new DBusWireError('message ends too early');
    const elements: DBusValue[] = [];
    // An `ay` in one loop (see marshal.ts): the bytes are there, `end` was checked.
    if (elementType === 'y' && depth < 64) while (this.offset < end) elements.push(this.data[this.offset++] as number);
    while (this.offset < end) elements.push(this.read(elementType, depth + 1));
    if (this.offset !== end) throw new DBusWireError('an array element overruns the array');
    return elements;
  }
}
