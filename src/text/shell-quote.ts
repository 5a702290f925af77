/** A word as a POSIX shell reads it back unchanged: commands we print are pasted into shells. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9@%_+=:,./[\]-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
