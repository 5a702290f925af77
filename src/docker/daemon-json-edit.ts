/**
 * Adds entries to daemon.json's `insecure-registries` by inserting text, so that every other byte of the
 * file stays as the person wrote it: keys, order, comments-free formatting, indentation, line ends.
 * Into an existing array after its last element (one per line when the array is written one per line),
 * else as a new last key of the top-level object, indented like its first key. Pure; runs on text that
 * parses (daemonJsonFromText said so) and checks its own result before handing it back.
 */
import { isDeepStrictEqual } from 'node:util';
import { TsstoreError } from '../errors.js';
import { isIP } from 'node:net';
import { parseCidr } from '../registry/endpoints.js';

export const INSECURE_REGISTRIES_KEY = 'insecure-registries';

interface Span {
  start: number;
  end: number;
}
interface Member {
  key: string;
  keySpan: Span;
  value: Span;
}

/** An entry dockerd accepts and a shell cannot misread: `host[:port]`, `[v6]:port`, an IP, or a CIDR. */
export function isInsecureRegistryEntry(entry: string): boolean {
  if (parseCidr(entry) !== undefined) return true;
  if (isIP(entry) !== 0) return true;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::(\d{1,5}))?$/.exec(entry);
  if (bracketed) return isIP(bracketed[1] ?? '') === 6 && validPort(bracketed[2]);
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*)(?::(\d{1,5}))?$/.exec(entry);
  return match !== null && (match[1] ?? '').length <= 253 && validPort(match[2]);
}

function validPort(port: string | undefined): boolean {
  return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
}

/**
 * The keys of daemon.json that doctor reads, spelled as dockerd wants them. dockerd matches each key of
 * the file against its flags' names exactly (seen with dockerd 20.10: `"Insecure-Registries"` stops it
 * with "the following directives don't match any configuration option"), so another spelling is no key.
 */
export const KNOWN_KEYS = [INSECURE_REGISTRIES_KEY, 'registry-mirrors', 'proxies'] as const;

/** The flag names dockerd also takes as keys of the file, and then ignores (seen with dockerd 20.10). */
const IGNORED_FLAG_NAMES: ReadonlyMap<string, string> = new Map([
  ['insecure-registry', INSECURE_REGISTRIES_KEY],
  ['registry-mirror', 'registry-mirrors'],
]);

const folded = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Pure: keys that are one of KNOWN_KEYS spelled otherwise (dockerd refuses the file), with the right spelling. */
export function misspelledKeys(value: Record<string, unknown>): Array<{ key: string; meant: string }> {
  return Object.keys(value).flatMap((key) => {
    const meant = KNOWN_KEYS.find((known) => known !== key && folded(known) === folded(key));
    return meant === undefined ? [] : [{ key, meant }];
  });
}

/** Pure: keys dockerd accepts in the file and does nothing with (a flag's singular name), with the key meant. */
export function ignoredKeys(value: Record<string, unknown>): Array<{ key: string; meant: string }> {
  return Object.keys(value).flatMap((key) => {
    const meant = IGNORED_FLAG_NAMES.get(key);
    return meant === undefined ? [] : [{ key, meant }];
  });
}

/** The new text, and the entries it adds (those not listed yet, compared without regard to case). */
export function addInsecureRegistries(text: string, entries: readonly string[]): { text: string; added: string[] } {
  const before = JSON.parse(text) as Record<string, unknown>;
  const keyName = Object.hasOwn(before, INSECURE_REGISTRIES_KEY) ? INSECURE_REGISTRIES_KEY : undefined;
  const existing: unknown = keyName === undefined ? [] : before[keyName];
  if (!Array.isArray(existing)) throw new TsstoreError('config', `"${keyName}" is not a list; make it one by hand: "${INSECURE_REGISTRIES_KEY}": [${entries.map((entry) => JSON.stringify(entry)).join(', ')}]`);
  const existingItems: readonly unknown[] = existing;
  const listed = new Set(existingItems.filter((item): item is string => typeof item === 'string').map((item) => item.trim().toLowerCase()));
  const adding = [...new Set(entries)].filter((entry) => !listed.has(entry.toLowerCase()));
  if (adding.length === 0) return { text, added: [] };
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const scanner = new Scanner(text);
  const object = scanner.topLevelObject();
  const member = object.members.find((item) => item.key === keyName);
  let after: string;
  if (member !== undefined) {
    after = insertIntoArray(text, scanner.arrayElements(member.value.start), member.value, adding, newline);
  } else {
    after = insertMember(text, object, adding, newline);
  }
  // The promise of this module, checked: the same value, with only the new entries appended.
  const parsed = JSON.parse(after) as Record<string, unknown>;
  const expected = { ...before, [keyName ?? INSECURE_REGISTRIES_KEY]: [...existingItems, ...adding] };
  if (!isDeepStrictEqual(parsed, expected)) throw new TsstoreError('config', 'the edit of daemon.json would change more than insecure-registries; nothing was written');
  return { text: after, added: adding };
}

function insertIntoArray(text: string, elements: Span[], array: Span, adding: string[], newline: string): string {
  const quoted = adding.map((entry) => JSON.stringify(entry));
  const last = elements.at(-1);
  if (last === undefined) return splice(text, array.start + 1, quoted.join(', '));
  const first = elements[0] as Span;
  const lead = text.slice(array.start + 1, first.start);
  if (lead.includes('\n')) {
    const indent = lead.slice(lead.lastIndexOf('\n') + 1);
    return splice(text, last.end, quoted.map((entry) => `,${newline}${indent}${entry}`).join(''));
  }
  // Inline: the gap after the first comma, else one space.
  const second = elements[1];
  const gap = second === undefined ? ' ' : text.slice(first.end, second.start).replace(/^\s*,/, '');
  return splice(text, last.end, quoted.map((entry) => `,${gap}${entry}`).join(''));
}

function insertMember(text: string, object: { open: number; close: number; members: Member[] }, adding: string[], newline: string): string {
  const first = object.members[0];
  const last = object.members.at(-1);
  if (first === undefined || last === undefined) {
    const inner = text.slice(object.open + 1, object.close);
    const member = `${newline}  "${INSECURE_REGISTRIES_KEY}": [${adding.map((entry) => JSON.stringify(entry)).join(', ')}]`;
    return splice(text, object.open + 1, inner.includes('\n') ? member : `${member}${newline}`);
  }
  const lead = text.slice(object.open + 1, first.keySpan.start);
  const colon = text.slice(first.keySpan.end, first.value.start);
  const comma = colon.trim() === ':' && colon.length === 1 ? ',' : ', ';
  const list = `[${adding.map((entry) => JSON.stringify(entry)).join(comma)}]`;
  const second = object.members[1];
  const gap = lead.includes('\n')
    ? `${newline}${lead.slice(lead.lastIndexOf('\n') + 1)}`
    : second === undefined
      ? lead
      : text.slice(first.value.end, second.keySpan.start).replace(/^\s*,/, '');
  return splice(text, last.value.end, `,${gap}"${INSECURE_REGISTRIES_KEY}"${colon}${list}`);
}

function splice(text: string, at: number, inserted: string): string {
  return `${text.slice(0, at)}${inserted}${text.slice(at)}`;
}

/** Offsets of the parts of valid JSON text; never validates (the text parsed already). */
class Scanner {
  constructor(private readonly text: string) {}

  private space(i: number): number {
    while (i < this.text.length && ' \t\n\r'.includes(this.text[i] as string)) i++;
    return i;
  }

  private stringEnd(i: number): number {
    for (i++; i < this.text.length && this.text[i] !== '"'; i++) if (this.text[i] === '\\') i++;
    return i + 1;
  }

  private valueEnd(i: number): number {
    const char = this.text[i];
    if (char === '"') return this.stringEnd(i);
    if (char === '{' || char === '[') {
      let depth = 0;
      for (; i < this.text.length; i++) {
        const c = this.text[i];
        if (c === '"') i = this.stringEnd(i) - 1;
        else if (c === '{' || c === '[') depth++;
        else if ((c === '}' || c === ']') && --depth === 0) return i + 1;
      }
      return i;
    }
    while (i < this.text.length && !',}] \t\n\r'.includes(this.text[i] as string)) i++;
    return i;
  }

  topLevelObject(): { open: number; close: number; members: Member[] } {
    const open = this.space(0);
    const members: Member[] = [];
    let i = this.space(open + 1);
    while (this.text[i] !== '}') {
      const keyEnd = this.stringEnd(i);
      const key = JSON.parse(this.text.slice(i, keyEnd)) as string;
      const valueStart = this.space(this.space(keyEnd) + 1);
      const valueEnd = this.valueEnd(valueStart);
      members.push({ key, keySpan: { start: i, end: keyEnd }, value: { start: valueStart, end: valueEnd } });
      i = this.space(valueEnd);
      if (this.text[i] === ',') i = this.space(i + 1);
    }
    return { open, close: i, members };
  }

  arrayElements(open: number): Span[] {
    const elements: Span[] = [];
    let i = this.space(open + 1);
    while (this.text[i] !== ']') {
      const end = this.valueEnd(i);
      elements.push({ start: i, end });
      i = this.space(end);
      if (this.text[i] === ',') i = this.space(i + 1);
    }
    return elements;
  }
}
