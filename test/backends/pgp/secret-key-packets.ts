/**
 * Reads the protection fields of every secret key packet in an armored v4 key, straight from the bytes
 * (RFC 4880 5.5.3), so tests check what GnuPG 2.2 will see rather than what openpgp.js reports.
 */
export interface KeyProtection {
  tag: number;
  /** 0: none, 254: CFB + SHA-1 checksum, 253: AEAD */
  s2kUsage: number;
  cipher?: number;
  s2kType?: number;
  hash?: number;
  countByte?: number;
}

function dearmor(armored: string): Buffer {
  const body = armored.split(/\r?\n\r?\n/)[1] ?? '';
  const base64 = body.split(/\r?\n/).filter((line) => line !== '' && !line.startsWith('=') && !line.startsWith('-----')).join('');
  return Buffer.from(base64, 'base64');
}

function mpiLength(data: Buffer, at: number): number {
  return 2 + Math.ceil(data.readUInt16BE(at) / 8);
}

export function secretKeyProtections(armored: string): KeyProtection[] {
  const data = dearmor(armored);
  const found: KeyProtection[] = [];
  for (let at = 0; at < data.length; ) {
    const header = data[at] as number;
    if (!(header & 0x80)) throw new Error('not an OpenPGP packet');
    let tag: number;
    let length: number;
    let start: number;
    if (header & 0x40) {
      tag = header & 0x3f;
      const first = data[at + 1] as number;
      if (first < 192) [length, start] = [first, at + 2];
      else if (first < 224) [length, start] = [((first - 192) << 8) + (data[at + 2] as number) + 192, at + 3];
      else [length, start] = [data.readUInt32BE(at + 2), at + 6];
    } else {
      tag = (header >> 2) & 0x0f;
      const type = header & 0x03;
      if (type === 0) [length, start] = [data[at + 1] as number, at + 2];
      else if (type === 1) [length, start] = [data.readUInt16BE(at + 1), at + 3];
      else [length, start] = [data.readUInt32BE(at + 1), at + 5];
    }
    if (tag === 5 || tag === 7) found.push(readProtection(data.subarray(start, start + length), tag));
    at = start + length;
  }
  return found;
}

function readProtection(packet: Buffer, tag: number): KeyProtection {
  if (packet[0] !== 4) throw new Error(`secret key packet version ${packet[0]}, expected 4`);
  const algorithm = packet[5] as number;
  let at = 6;
  if (algorithm !== 18 && algorithm !== 22) throw new Error(`public key algorithm ${algorithm}, expected ECDH (18) or EdDSA (22)`);
  at += 1 + (packet[at] as number); // curve OID
  at += mpiLength(packet, at); // public point
  if (algorithm === 18) at += 1 + (packet[at] as number); // KDF parameters
  const s2kUsage = packet[at] as number;
  if (s2kUsage !== 254 && s2kUsage !== 255) return { tag, s2kUsage };
  const cipher = packet[at + 1] as number;
  const s2kType = packet[at + 2] as number;
  const hash = packet[at + 3] as number;
  const countByte = s2kType === 3 ? (packet[at + 12] as number) : undefined;
  return { tag, s2kUsage, cipher, s2kType, hash, countByte };
}
