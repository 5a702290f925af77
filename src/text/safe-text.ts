/**
 * The one place that makes text from outside (server URLs, usernames, file contents, registry and helper
 * answers, GPG user ids) safe to show on a terminal. A raw ESC, OSC or C1 byte can retitle a window,
 * rewrite what is on screen or fake a line; bidi overrides and line separators reorder or split it.
 * Each such character is shown as a visible escape instead; JSON output keeps the text, JSON-escaped.
 */

// C0 controls (TAB and LF included: a person's line must stay one line), DEL, C1 controls, the Unicode
// line and paragraph separators, and the bidirectional marks, embeddings, overrides and isolates.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function visible(char: string): string {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line as it may be shown: every control, separator and bidi character written as \xNN or \uNNNN. */
export function terminalSafe(text: string): string {
  return isTerminalSafe(text) ? text : text.replace(UNSAFE, visible);
}

/**
 * Whether nothing in `text` is UNSAFE, by a loop: most lines are, and the first regular expression a
 * process runs costs the single file 0.35-0.6 ms (src/fs/join-path.ts); a `get` miss's line ran it.
 */
function isTerminalSafe(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return false;
    if (code >= 0x61c && (code === 0x61c || code === 0x200e || code === 0x200f || code === 0x2028 || code === 0x2029 || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069))) return false;
  }
  return true;
}

/**
 * JSON for a person's pipe or terminal: the same value as JSON.stringify, with the characters that
 * JSON.stringify leaves raw (DEL, C1, separators, bidi) written as \uNNNN, so the exact text survives
 * a JSON parser and nothing reaches a terminal raw.
 */
export function jsonSafe(json: string): string {
  // C0 controls inside strings are escaped by JSON.stringify already; outside them they are its own white space.
  return json.replace(RAW_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
