/**
 * WWW-Authenticate (RFC 9110 §11.6.1) as a pure parser: one header value may hold several challenges,
 * each a scheme followed by a token68 or by comma-separated `name=value` parameters, values being tokens
 * or quoted strings with backslash escapes (commas inside quotes belong to the value).
 */
export interface Challenge {
  /** Lowercase: schemes are case-insensitive. */
  scheme: string;
  /** Lowercase names: parameter names are case-insensitive too. */
  params: Record<string, string>;
  token68?: string;
}

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(,|$))/;

class Scanner {
  position = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.position >= this.text.length;
  }
  peek(): string {
    return this.text[this.position] ?? '';
  }
  skipSpace(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.position++;
  }
  /** Skips white space and commas (empty list elements are allowed). */
  skipSeparators(): void {
    while (this.peek() === ' ' || this.peek() === '\t' || this.peek() === ',') this.position++;
  }
  read(pattern: RegExp): string {
    const start = this.position;
    while (!this.done && pattern.test(this.peek())) this.position++;
    return this.text.slice(start, this.position);
  }
  readQuoted(): string {
    this.position++; // opening quote
    let value = '';
    while (!this.done) {
      const char = this.peek();
      this.position++;
      if (char === '"') return value;
      if (char === '\\' && !this.done) {
        value += this.peek();
        this.position++;
      } else {
        value += char;
      }
    }
    return value; // unterminated: take what there is
  }
}

/** Every challenge in the header value(s), in order; malformed parts are skipped, never thrown. */
export function parseChallenges(header: string | readonly string[] | undefined): Challenge[] {
  if (header === undefined) return [];
  if (typeof header !== 'string') return header.flatMap((value) => parseChallenges(value));
  const scanner = new Scanner(header);
  const challenges: Challenge[] = [];
  let current: Challenge | undefined;
  while (true) {
    scanner.skipSeparators();
    if (scanner.done) break;
    const word = scanner.read(TOKEN_CHAR);
    if (word === '') {
      // Not a token: skip to the next comma so one bad element does not hide the rest.
      while (!scanner.done && scanner.peek() !== ',') scanner.position++;
      continue;
    }
    const afterWord = scanner.position;
    scanner.skipSpace();
    if (scanner.peek() === '=') {
      // name = value, a parameter of the current challenge.
      scanner.position++;
      scanner.skipSpace();
      const value = scanner.peek() === '"' ? scanner.readQuoted() : scanner.read(TOKEN_CHAR);
      if (current !== undefined) current.params[word.toLowerCase()] = value;
      continue;
    }
    // A word not followed by '=' starts a challenge: it is the scheme.
    current = { scheme: word.toLowerCase(), params: {} };
    challenges.push(current);
    // `Negotiate abc==`: a token68 after the scheme, ending at a comma or the end.
    const token68 = TOKEN68.exec(header.slice(scanner.position));
    if (token68 !== null && scanner.position > afterWord) {
      current.token68 = token68[0];
      scanner.position += token68[0].length;
    }
  }
  return challenges;
}

/** The first challenge of `scheme` (lowercase), if the server offered it. */
export function findChallenge(challenges: readonly Challenge[], scheme: string): Challenge | undefined {
  return challenges.find((challenge) => challenge.scheme === scheme);
}
