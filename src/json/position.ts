/**
 * Where a JSON text first goes wrong, as line and column (1-based). JSON.parse's messages differ between
 * Node and bun and do not always say where; a person fixing config.json needs the place.
 */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

export function positionOf(text: string, offset: number): TextPosition {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return { offset, line, column };
}

/** The offset of the first syntax error, or undefined when `text` is valid JSON. */
export function findJsonError(text: string): number | undefined {
  const scanner = new JsonScanner(text);
  try {
    scanner.value(0);
    scanner.space();
    return scanner.i < text.length ? scanner.i : undefined;
  } catch (error) {
    if (!(error instanceof SyntaxAt)) throw error;
    return Math.min(error.offset, text.length);
  }
}

/** A strict JSON grammar walk that only moves `i`; the first wrong character throws SyntaxAt. */
class JsonScanner {
  i = 0;
  constructor(private readonly text: string) {}

  private fail(): never {
    throw new SyntaxAt(this.i);
  }

  space(): void {
    while (this.i < this.text.length && ' \t\n\r'.includes(this.text[this.i] as string)) this.i++;
  }

  private literal(word: string): void {
    for (const char of word) {
      if (this.text[this.i] !== char) this.fail();
      this.i++;
    }
  }

  private string(): void {
    this.i++; // opening quote
    for (;;) {
      if (this.i >= this.text.length) this.fail();
      const char = this.text[this.i] as string;
      if (char === '"') return void this.i++;
      if (char < ' ') this.fail();
      if (char === '\\') this.escape();
      else this.i++;
    }
  }

  private escape(): void {
    this.i++;
    const escape = this.text[this.i];
    if (escape === 'u') {
      for (let k = 1; k <= 4; k++) {
        if (!/[0-9a-fA-F]/.test(this.text[this.i + k] ?? '')) {
          this.i += k;
          this.fail();
        }
      }
      this.i += 5;
    } else if (escape !== undefined && '"\\/bfnrt'.includes(escape)) this.i++;
    else this.fail();
  }

  private number(): void {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i, this.i + 400));
    if (!match || match[0] === '' || match[0] === '-') this.fail();
    this.i += match[0].length;
  }

  value(depth: number): void {
    if (depth > 512) this.fail();
    this.space();
    const char = this.text[this.i];
    if (char === '{') return this.members(depth);
    if (char === '[') return this.elements(depth);
    if (char === '"') return this.string();
    if (char === 't') return this.literal('true');
    if (char === 'f') return this.literal('false');
    if (char === 'n') return this.literal('null');
    return this.number();
  }

  private members(depth: number): void {
    this.i++;
    this.space();
    if (this.text[this.i] === '}') return void this.i++;
    for (;;) {
      this.space();
      if (this.text[this.i] !== '"') this.fail();
      this.string();
      this.space();
      if (this.text[this.i] !== ':') this.fail();
      this.i++;
      this.value(depth + 1);
      this.space();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] === '}') return void this.i++;
      else this.fail();
    }
  }

  private elements(depth: number): void {
    this.i++;
    this.space();
    if (this.text[this.i] === ']') return void this.i++;
    for (;;) {
      this.value(depth + 1);
      this.space();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] === ']') return void this.i++;
      else this.fail();
    }
  }
}

/** Where the scan stopped: thrown to leave the recursion at once. */
class SyntaxAt extends Error {
  constructor(readonly offset: number) {
    super(`JSON syntax error at offset ${offset}`);
  }
}
