/**
 * Frames on the agent socket: a 4-byte big-endian length, then that many bytes of UTF-8 JSON. Lengths
 * make a frame boundary independent of content (armored messages and passphrases hold any character)
 * and let the reader refuse a flood before buffering it.
 */
import { TsstoreError } from '../errors.js';

/** A credential is at most 1 MiB of input; its armored message is about 4/3 of that. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;
const HEADER_BYTES = 4;

export function encodeFrame(value: unknown): Buffer {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  if (body.length > MAX_FRAME_BYTES) throw new TsstoreError('bad-input', 'agent message is too large');
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(body.length, 0);
  return Buffer.concat([header, body]);
}

/** Collects chunks as they arrive and returns every frame completed so far. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Uint8Array): unknown[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const frames: unknown[] = [];
    for (;;) {
      if (this.pending.length < HEADER_BYTES) return frames;
      const length = this.pending.readUInt32BE(0);
      if (length > MAX_FRAME_BYTES) throw new TsstoreError('bad-input', 'agent message is too large');
      if (this.pending.length < HEADER_BYTES + length) return frames;
      const body = this.pending.subarray(HEADER_BYTES, HEADER_BYTES + length);
      this.pending = this.pending.subarray(HEADER_BYTES + length);
      frames.push(parseBody(body));
    }
  }

  /** Bytes received that do not make a whole frame yet. */
  get buffered(): number {
    return this.pending.length;
  }
}

function parseBody(body: Buffer): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (cause) {
    throw new TsstoreError('bad-input', 'agent message is not UTF-8 JSON', { cause });
  }
}
