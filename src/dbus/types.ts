/**
 * D-Bus values as plain data, and the type signatures that describe them. Values are strings, numbers,
 * booleans, bigints, arrays (arrays, structs and dict entries alike) and variants. Pure.
 */

export type DBusValue = string | number | bigint | boolean | DBusVariant | DBusValue[];

export interface DBusVariant {
  signature: string;
  value: DBusValue;
}

export class DBusWireError extends Error {
  override readonly name = 'DBusWireError';
}

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

/** The boundary a value of the type that starts with `code` is aligned to. */
export function alignmentOf(code: string | undefined): number {
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

// Plain loops, not Array.from / Uint8Array.from: under bun those builtins cost 1-3 ms on first use.

/** An `ay` as read off the wire (an array of numbers), as bytes; empty when it is anything else. */
export function bytesOf(value: DBusValue | undefined): Uint8Array {
  if (!Array.isArray(value)) return new Uint8Array(0);
  const bytes = new Uint8Array(value.length);
  for (let index = 0; index < value.length; index++) {
    const byte = value[index];
    if (typeof byte !== 'number') return new Uint8Array(0);
    bytes[index] = byte;
  }
  return bytes;
}

/** Bytes as an `ay` for the wire. */
export function byteArray(bytes: Uint8Array): number[] {
  const values = new Array<number>(bytes.length);
  for (let index = 0; index < bytes.length; index++) values[index] = bytes[index] as number;
  return values;
}
