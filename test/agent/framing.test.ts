import { describe, expect, it } from 'vitest';
import { FrameDecoder, MAX_FRAME_BYTES, encodeFrame } from '../../src/agent/framing.js';

describe('agent framing', () => {
  const value = { v: 1, op: 'decrypt', message: '-----BEGIN PGP MESSAGE-----\n\nwcBMA…\n-----END PGP MESSAGE-----\n', keyDigest: 'ab' };

  it('puts a 4-byte big-endian length before the UTF-8 JSON', () => {
    const frame = encodeFrame({ a: 'é' });
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    expect(frame.subarray(4).toString('utf8')).toBe('{"a":"é"}');
  });

  it('decodes frames split at every byte, and several frames in one chunk', () => {
    const bytes = Buffer.concat([encodeFrame(value), encodeFrame({ v: 1, op: 'status' })]);
    const decoder = new FrameDecoder();
    const seen: unknown[] = [];
    for (let offset = 0; offset < bytes.length; offset++) seen.push(...decoder.push(bytes.subarray(offset, offset + 1)));
    expect(seen).toEqual([value, { v: 1, op: 'status' }]);
    expect(decoder.buffered).toBe(0);
    expect(new FrameDecoder().push(bytes)).toEqual([value, { v: 1, op: 'status' }]);
  });

  it('keeps an incomplete frame until the rest arrives', () => {
    const frame = encodeFrame(value);
    const decoder = new FrameDecoder();
    expect(decoder.push(frame.subarray(0, 10))).toEqual([]);
    expect(decoder.buffered).toBe(10);
    expect(decoder.push(frame.subarray(10))).toEqual([value]);
  });

  it('refuses a length over the limit before the body arrives', () => {
    const header = Buffer.alloc(4);
    header.writeUInt32BE(MAX_FRAME_BYTES + 1, 0);
    expect(() => new FrameDecoder().push(header)).toThrow(/too large/);
    expect(() => encodeFrame({ big: 'x'.repeat(MAX_FRAME_BYTES) })).toThrow(/too large/);
  });

  it('refuses a body that is not UTF-8 JSON', () => {
    const notJson = Buffer.from('{nope');
    const badUtf8 = Buffer.from([0x22, 0xff, 0x22]);
    for (const body of [notJson, badUtf8]) {
      const header = Buffer.alloc(4);
      header.writeUInt32BE(body.length, 0);
      expect(() => new FrameDecoder().push(Buffer.concat([header, body]))).toThrow(/not UTF-8 JSON/);
    }
  });
});
