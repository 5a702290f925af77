/**
 * Keys that appear twice in one JSON object. JSON.parse keeps only the last one; docker's Go parser
 * merges two objects given for the same map field (two "auths": the entries of both, later ones
 * winning) and matches struct fields without regard to case ("auths" and "Auths" are one field). So a
 * rewrite from JSON.parse's value would drop logins docker still uses: such a file is reported, never
 * rewritten. Runs on text that JSON.parse has accepted already.
 */
import { type TextPosition, positionOf } from './position.js';

export interface DuplicateKey {
  /** The object's place, as the keys that lead to it ([] for the top level). */
  path: string[];
  key: string;
  first: TextPosition;
  second: TextPosition;
  /** The two spellings differ in case only (Go matches them as one struct field). */
  caseOnly: boolean;
}

/** Objects whose keys are Go struct fields in docker's and containers' config: the top level and each auths entry. */
function foldsCase(path: readonly string[]): boolean {
  return path.length === 0 || (path.length === 2 && path[0]?.toLowerCase() === 'auths');
}

const MAX_REPORTED = 20;

export function findDuplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  let i = text.startsWith('\ufeff') ? 1 : 0;
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string[]): void => {
    space();
    const char = text[i];
    if (char === '{') {
      i++;
      const seen = new Map<string, { key: string; offset: number }>();
      const fold = foldsCase(path);
      for (;;) {
        space();
        if (text[i] === '}') return void i++;
        if (text[i] === ',') {
          i++;
          continue;
        }
        const offset = i;
        const key = string();
        space();
        i++; // ':'
        const name = fold ? key.toLowerCase() : key;
        const earlier = seen.get(name);
        if (earlier === undefined) seen.set(name, { key, offset });
        else if (found.length < MAX_REPORTED) {
          found.push({ path, key, first: positionOf(text, earlier.offset), second: positionOf(text, offset), caseOnly: earlier.key !== key });
        }
        value([...path, key]);
      }
    }
    if (char === '[') {
      i++;
      for (let index = 0; ; index++) {
        space();
        if (text[i] === ']') return void i++;
        if (text[i] === ',') i++;
        value([...path, String(index)]);
      }
    }
    if (char === '"') return void string();
    while (i < text.length && !',}] \t\n\r'.includes(text[i] as string)) i++;
  };
  value([]);
  return found;
}

/** One line for a person: where each duplicate is, and what to do. */
export function describeDuplicateKeys(path: string, duplicates: readonly DuplicateKey[]): string {
  const places = duplicates.map((duplicate) => {
    const where = duplicate.path.length > 0 ? ` in ${duplicate.path.map((key) => JSON.stringify(key)).join(' > ')}` : '';
    const spelled = duplicate.caseOnly ? ' (spelled differently, the same key to docker)' : '';
    return `${JSON.stringify(duplicate.key)}${where} at line ${duplicate.first.line}, column ${duplicate.first.column} and line ${duplicate.second.line}, column ${duplicate.second.column}${spelled}`;
  });
  return `${path} has keys given twice: ${places.join('; ')}; docker merges them, so tsstore will not rewrite the file: merge them by hand`;
}
