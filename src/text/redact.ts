/** Defence in depth: any text shown is scrubbed of every secret given (callers add encoded forms too). */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...secrets].filter((value) => value !== '').sort((a, b) => b.length - a.length)) {
    out = out.split(secret).join('***');
  }
  return out;
}
