import { describe, expect, it } from 'vitest';
import { LineEditor, MAX_LINE_BYTES } from '../../src/passphrase/line-editor.js';

const feed = (...chunks: Array<string | number[]>) => {
  const editor = new LineEditor();
  let result = editor.feed(new Uint8Array());
  for (const chunk of chunks) result = editor.feed(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Uint8Array.from(chunk));
  return result;
};

describe('the passphrase line editor', () => {
  it('ends the line at Enter (CR in raw mode) or LF', () => {
    expect(feed('hunter2\r')).toEqual({ kind: 'done', line: 'hunter2' });
    expect(feed('hunter2\n')).toEqual({ kind: 'done', line: 'hunter2' });
    expect(feed('hun', 'ter', '2', '\r')).toEqual({ kind: 'done', line: 'hunter2' });
    expect(feed('\r')).toEqual({ kind: 'done', line: '' });
    expect(feed('abc')).toEqual({ kind: 'more' });
  });

  it('keeps spaces and non-ASCII, and multi-byte characters split across chunks', () => {
    const bytes = Buffer.from('pä55 wörd ✓', 'utf8');
    expect(feed([...bytes.subarray(0, 2)], [...bytes.subarray(2)], '\r')).toEqual({ kind: 'done', line: 'pä55 wörd ✓' });
  });

  it('Backspace (DEL or ^H) removes one whole character; ^U clears the line', () => {
    expect(feed('abcd', [0x7f], '\r')).toEqual({ kind: 'done', line: 'abc' });
    expect(feed('abcd', [0x08, 0x08], '\r')).toEqual({ kind: 'done', line: 'ab' });
    expect(feed('aé', [0x7f], '\r')).toEqual({ kind: 'done', line: 'a' });
    expect(feed('a✓', [0x7f], 'b\r')).toEqual({ kind: 'done', line: 'ab' });
    expect(feed([0x7f, 0x7f], 'x\r')).toEqual({ kind: 'done', line: 'x' });
    expect(feed('wrong', [0x15], 'right\r')).toEqual({ kind: 'done', line: 'right' });
  });

  it('Ctrl-C cancels; Ctrl-D ends input only on an empty line', () => {
    expect(feed('abc', [0x03])).toEqual({ kind: 'cancel' });
    expect(feed([0x04])).toEqual({ kind: 'eof' });
    expect(feed('ab', [0x04], 'c\r')).toEqual({ kind: 'done', line: 'abc' });
  });

  it('ignores escape sequences (arrow keys, function keys) and other control bytes', () => {
    expect(feed('a', '\u001b[D', 'b', '\u001bOA', 'c', '\u001b[1;5C', [0x01, 0x09], 'd\r')).toEqual({ kind: 'done', line: 'abcd' });
  });

  it('stops collecting at the length limit instead of buffering without end', () => {
    const result = feed('x'.repeat(MAX_LINE_BYTES + 50), '\r');
    expect(result).toEqual({ kind: 'done', line: 'x'.repeat(MAX_LINE_BYTES) });
  });
});
