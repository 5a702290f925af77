/**
 * Reads one line typed in raw mode, the way a password prompt should: nothing echoed, Backspace and
 * Ctrl-U edit, Enter ends, Ctrl-C cancels, Ctrl-D on an empty line is end of input, escape sequences
 * (arrow keys and the like) are ignored. Pure: bytes in, a verdict out.
 */
export type LineResult = { kind: 'more' } | { kind: 'done'; line: string } | { kind: 'cancel' } | { kind: 'eof' };

/** Longer than any passphrase a person types; the rest is dropped rather than buffered without end. */
export const MAX_LINE_BYTES = 1024;

const CTRL_C = 0x03;
const CTRL_D = 0x04;
const BACKSPACE = 0x08;
const LF = 0x0a;
const CR = 0x0d;
const CTRL_U = 0x15;
const ESC = 0x1b;
const DEL = 0x7f;

export class LineEditor {
  private bytes: number[] = [];
  private escape: 'none' | 'esc' | 'sequence' = 'none';

  feed(chunk: Uint8Array): LineResult {
    for (const byte of chunk) {
      if (this.escape !== 'none') {
        this.skipEscape(byte);
        continue;
      }
      switch (byte) {
        case CR:
        case LF:
          return { kind: 'done', line: this.take() };
        case CTRL_C:
          this.clear();
          return { kind: 'cancel' };
        case CTRL_D:
          if (this.bytes.length === 0) return { kind: 'eof' };
          break;
        case DEL:
        case BACKSPACE:
          this.deleteLastCharacter();
          break;
        case CTRL_U:
          this.clear();
          break;
        case ESC:
          this.escape = 'esc';
          break;
        default:
          if (byte >= 0x20 && this.bytes.length < MAX_LINE_BYTES) this.bytes.push(byte);
      }
    }
    return { kind: 'more' };
  }

  /** ESC [ ... final, ESC O x, or ESC x: swallowed whole. */
  private skipEscape(byte: number): void {
    if (this.escape === 'esc') {
      this.escape = byte === 0x5b || byte === 0x4f ? 'sequence' : 'none';
      return;
    }
    if (byte >= 0x40 && byte <= 0x7e) this.escape = 'none';
  }

  /** Drops one UTF-8 character: its continuation bytes (10xxxxxx), then its first byte. */
  private deleteLastCharacter(): void {
    while (this.bytes.length > 0 && ((this.bytes[this.bytes.length - 1] as number) & 0xc0) === 0x80) this.bytes.pop();
    this.bytes.pop();
  }

  private take(): string {
    const buffer = Buffer.from(this.bytes);
    const line = buffer.toString('utf8');
    buffer.fill(0);
    this.clear();
    return line;
  }

  private clear(): void {
    this.bytes.fill(0);
    this.bytes = [];
  }
}
