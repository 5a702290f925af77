/**
 * config-json: Docker's config.json is readable, valid JSON, and gives no key twice. A parse error or a
 * duplicate key stops every fix: a rewrite would lose what docker reads in the file.
 */
import { describeDuplicateKeys } from '../../json/duplicate-keys.js';
import type { Check, Diagnosis } from '../check.js';

export const configJson: Check = {
  id: 'config-json',
  title: "Docker's config.json is readable",
  async diagnose(context): Promise<Diagnosis> {
    const read = context.readDockerConfig();
    if (!read.ok) {
      return {
        status: 'problem',
        fixable: false,
        details: [read.message, 'docker ignores the whole file until it is fixed; doctor will not rewrite it'],
        commands: [`\${EDITOR:-nano} ${read.path}`],
      };
    }
    const { file } = read;
    if (!file.exists) return { status: 'ok', details: [`${file.path} does not exist yet; docker creates it at the first login`] };
    if (file.duplicates && file.duplicates.length > 0) {
      return { status: 'problem', fixable: false, details: [describeDuplicateKeys(file.path, file.duplicates)], commands: [`\${EDITOR:-nano} ${file.path}`] };
    }
    if (file.bom) {
      return {
        status: 'problem',
        details: [`${file.path} starts with a byte-order mark: docker cannot parse it and ignores every setting in it`],
      };
    }
    return { status: 'ok', details: [file.path] };
  },
  async fix(context) {
    const read = context.readDockerConfig();
    if (!read.ok || !read.file.bom) return [];
    // Only the three bytes go: every other byte stays as the person wrote it.
    const text = (read.file.text ?? '').replace(/^\ufeff/, '');
    await context.writeDockerConfigText(read.file, text);
    return [`removed the byte-order mark from ${read.file.path}`];
  },
};
