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
    return this.take(4, (data, offset, le) => (le ? data.readUInt32LE(offset) : data.readUInt32BE(offset)));
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

  /** The fixed-size types: numbers and booleans. */
  private fixed(code: string | undefined, type: string): DBusValue {
    switch (code) {
      case 'y':
        return this.take(1, (data, offset) => data.readUInt8(offset));
      case 'b': {
        const value = this.uint32();
        if (value > 1) throw new DBusWireError('a boolean is neither 0 nor 1');
        return value === 1;
      }
      case 'u':
      case 'h':
        return this.uint32();
      case 'n':
        return this.take(2, (data, offset, le) => (le ? data.readInt16LE(offset) : data.readInt16BE(offset)));
      case 'q':
        return this.take(2, (data, offset, le) => (le ? data.readUInt16LE(offset) : data.readUInt16BE(offset)));
      case 'i':
        return this.take(4, (data, offset, le) => (le ? data.readInt32LE(offset) : data.readInt32BE(offset)));
      case 'x':
        return this.take(8, (data, offset, le) => (le ? data.readBigInt64LE(offset) : data.readBigInt64BE(offset)));
      case 't':
        return this.take(8, (data, offset, le) => (le ? data.readBigUInt64LE(offset) : data.readBigUInt64BE(offset)));
      case 'd':
        return this.take(8, (data, offset, le) => (le ? data.readDoubleLE(offset) : data.readDoubleBE(offset)));
      default:
        throw new DBusWireError(`cannot read type "${type}"`);
    }
  }

  /** `size` bytes, aligned to their own size, read by `read`. */
  private take<T>(size: number, read: (data: Buffer, offset: number, littleEndian: boolean) => T): T {
    this.align(size);
    this.need(size);
    const value = read(this.data, this.offset, this.littleEndian);
    this.offset += size;
    return value;
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
    while (this.offset < end) elements.push(this.read(elementType, depth + 1));
    if (this.offset !== end) throw new DBusWireError('an array element overruns the array');
    return elements;
  }
}
