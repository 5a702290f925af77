/**
 * OpenPGP framing (RFC 4880) shared by the fast paths (fast-decrypt, fast-encrypt): ASCII armor,
 * packet headers, MPIs and v4 signature subpackets. Framing only: the cryptography is node:crypto's.
 * Anything these readers do not expect throws Unsupported, and the caller falls back to openpgp.js.
 */

/** This path does not handle the input; openpgp.js will. Carries no data, so no secret can leak through it. */
class Unsupported extends Error {}
export const unsupported = (): never => {
  throw new Unsupported();
};

/** The binary body of an armored block; the CRC24 line, if any, is left to the MDC and key checks. */
export function dearmor(text: string, type: string): Buffer {
  const begin = text.indexOf(`-----BEGIN PGP ${type}-----`);
  const end = text.indexOf(`-----END PGP ${type}-----`);
  if (begin === -1 || end === -1) unsupported();
  // split('\n') and each line's '\r' dropped, not split(/\r?\n/): no regular expression on a `get` hit's path
  // (the first a process runs costs the single file 0.35-0.6 ms: src/fs/join-path.ts).
  const lines = text.slice(begin, end).split('\n').slice(1);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.endsWith('\r')) lines[index] = line.slice(0, -1);
  }
  const blank = lines.findIndex((line) => line.trim() === '');
  if (blank === -1) unsupported();
  const body = lines.slice(blank + 1).filter((line) => line !== '' && !line.startsWith('='));
  return Buffer.from(body.join(''), 'base64');
}

/**
 * Armors `body` the way openpgp.js 6 does for a SEIPDv1 message: the Comment header, base64 in lines of
 * 60 characters, the CRC24 line (GnuPG needs it when the base64 ends without padding, dev.gnupg.org/T7071).
 */
export function armor(type: string, body: Buffer, comment: string): string {
  if (/[\r\n]/.test(comment)) unsupported();
  const base64 = body.toString('base64');
  const lines: string[] = [];
  for (let at = 0; at < base64.length; at += 60) lines.push(base64.slice(at, at + 60));
  const crc = crc24(body);
  const checksum = Buffer.from([crc >> 16, (crc >> 8) & 0xff, crc & 0xff]).toString('base64');
  return [`-----BEGIN PGP ${type}-----`, `Comment: ${comment}`, '', ...lines, `=${checksum}`, `-----END PGP ${type}-----`, ''].join('\n');
}

let crcTable: Uint32Array | undefined;

/** RFC 4880 6.1; a checksum of the armor, not a cryptographic primitive. */
function crc24(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let byte = 0; byte < 256; byte++) {
      let crc = byte << 16;
      for (let bit = 0; bit < 8; bit++) crc = crc & 0x800000 ? (crc << 1) ^ 0x1864cfb : crc << 1;
      crcTable[byte] = crc & 0xffffff;
    }
  }
  let crc = 0xb704ce;
  for (const byte of data) crc = ((crc << 8) ^ (crcTable[((crc >> 16) ^ byte) & 0xff] as number)) & 0xffffff;
  return crc;
}

export interface Packet {
  tag: number;
  body: Buffer;
}

/** OpenPGP packets, new and old format, including partial body lengths. */
export function packets(data: Buffer): Packet[] {
  const result: Packet[] = [];
  let offset = 0;
  while (offset < data.length) {
    const header = data[offset++] as number;
    if (!(header & 0x80)) unsupported();
    if (header & 0x40) {
      const tag = header & 0x3f;
      const chunks: Buffer[] = [];
      for (;;) {
        const first = data[offset++] as number;
        let length: number;
        if (first < 192) length = first;
        else if (first < 224) length = ((first - 192) << 8) + (data[offset++] as number) + 192;
        else if (first === 255) {
          length = data.readUInt32BE(offset);
          offset += 4;
        } else {
          const partial = 1 << (first & 0x1f);
          chunks.push(data.subarray(offset, offset + partial));
          offset += partial;
          continue;
        }
        chunks.push(data.subarray(offset, offset + length));
        offset += length;
        break;
      }
      result.push({ tag, body: Buffer.concat(chunks) });
    } else {
      const tag = (header >> 2) & 0x0f;
      const type = header & 3;
      if (type === 3) unsupported();
      const size = [1, 2, 4][type] as number;
      const length = size === 1 ? (data[offset] as number) : size === 2 ? data.readUInt16BE(offset) : data.readUInt32BE(offset);
      offset += size;
      result.push({ tag, body: data.subarray(offset, offset + length) });
      offset += length;
    }
    if (offset > data.length) unsupported();
  }
  return result;
}

/** A new-format packet with a definite length, as openpgp.js writes packets whose size it knows. */
export function packet(tag: number, ...body: Buffer[]): Buffer {
  const length = body.reduce((sum, part) => sum + part.length, 0);
  let header: Buffer;
  if (length < 192) header = Buffer.from([0xc0 | tag, length]);
  else if (length < 8384) header = Buffer.from([0xc0 | tag, ((length - 192) >> 8) + 192, (length - 192) & 0xff]);
  else {
    header = Buffer.from([0xc0 | tag, 255, 0, 0, 0, 0]);
    header.writeUInt32BE(length, 2);
  }
  return Buffer.concat([header, ...body]);
}

export function readMpi(body: Buffer, offset: number): { value: Buffer; next: number } {
  if (offset + 2 > body.length) unsupported();
  const bits = body.readUInt16BE(offset);
  const length = (bits + 7) >> 3;
  if (offset + 2 + length > body.length) unsupported();
  return { value: body.subarray(offset + 2, offset + 2 + length), next: offset + 2 + length };
}

/** An MPI whose value starts with a non-zero byte (true of the 0x40-prefixed points we write). */
export function writeMpi(value: Buffer): Buffer {
  const first = value[0] as number;
  if (first === 0) unsupported();
  const bits = (value.length - 1) * 8 + (32 - Math.clz32(first));
  return Buffer.concat([Buffer.from([bits >> 8, bits & 0xff]), value]);
}

export interface Subpacket {
  type: number;
  body: Buffer;
}

export interface V4Signature {
  type: number;
  /** Hashed and unhashed subpackets alike (the critical bit masked off). */
  subpackets: Subpacket[];
}

/** The type and subpackets of a v4 signature packet (RFC 4880 5.2.3); the signature itself is not read. */
export function readV4Signature(body: Buffer): V4Signature {
  if (body[0] !== 4 || body.length < 6) unsupported();
  const subpackets: Subpacket[] = [];
  let offset = 4;
  for (let area = 0; area < 2; area++) {
    if (offset + 2 > body.length) unsupported();
    const end = offset + 2 + body.readUInt16BE(offset);
    if (end > body.length) unsupported();
    offset += 2;
    while (offset < end) {
      const first = body[offset++] as number;
      let length: number;
      if (first < 192) length = first;
      else if (first < 255) length = ((first - 192) << 8) + (body[offset++] as number) + 192;
      else {
        length = body.readUInt32BE(offset);
        offset += 4;
      }
      if (length < 1 || offset + length > end) unsupported();
      subpackets.push({ type: (body[offset] as number) & 0x7f, body: body.subarray(offset + 1, offset + length) });
      offset += length;
    }
  }
  return { type: body[1] as number, subpackets };
}
