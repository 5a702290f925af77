/**
 * What kind of executable a file is, read from its header: the ELF, Mach-O and PE fields `file(1)` reports
 * for the release's targets. Pure: it gets the first bytes of the file.
 */
export type ExecutableFormat = 'ELF x86-64' | 'ELF aarch64' | 'Mach-O x86-64' | 'Mach-O arm64' | 'PE32+ x86-64' | 'unknown';

const ELF_MACHINES: Record<number, ExecutableFormat> = { 62: 'ELF x86-64', 183: 'ELF aarch64' };
const MACHO_CPUS: Record<number, ExecutableFormat> = { 0x01000007: 'Mach-O x86-64', 0x0100000c: 'Mach-O arm64' };
const PE32_PLUS = 0x20b;
const PE_AMD64 = 0x8664;

export function executableFormat(header: Uint8Array): ExecutableFormat {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const at = (offset: number, size: 2 | 4): number | undefined => {
    if (offset + size > header.byteLength) return undefined;
    return size === 2 ? view.getUint16(offset, true) : view.getUint32(offset, true);
  };
  // ELF: \x7fELF, 64-bit class, little endian, an executable or shared object; e_machine at 0x12.
  if (at(0, 4) === 0x464c457f && header[4] === 2 && header[5] === 1) return ELF_MACHINES[at(0x12, 2) ?? -1] ?? 'unknown';
  // Mach-O 64-bit little endian (MH_MAGIC_64 read as LE), cputype next, file type MH_EXECUTE (2).
  if (at(0, 4) === 0xfeedfacf && at(12, 4) === 2) return MACHO_CPUS[at(4, 4) ?? -1] ?? 'unknown';
  // PE: MZ, e_lfanew at 0x3c pointing at PE\0\0, COFF Machine, then the optional header's magic.
  if (at(0, 2) === 0x5a4d) {
    const pe = at(0x3c, 4);
    if (pe === undefined || at(pe, 4) !== 0x00004550) return 'unknown';
    if (at(pe + 4, 2) === PE_AMD64 && at(pe + 24, 2) === PE32_PLUS) return 'PE32+ x86-64';
  }
  return 'unknown';
}
