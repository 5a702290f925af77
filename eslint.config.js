// ESLint with typescript-eslint's type-checked recommended rules over everything the TypeScript project holds.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/'] },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Interfaces here are async by contract (Backend, Check.diagnose, fixes, test fakes): an
      // implementation that needs no await is still one, and making it sync would change its callers.
      '@typescript-eslint/require-await': 'off',
      // Control characters are what this code looks for on purpose: escaping them on terminals, refusing
      // them in server URLs, parsing D-Bus and OpenPGP framing.
      'no-control-regex': 'off',
      // An implementation may leave a parameter of its interface unused: it says so with a leading _.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // vitest's asymmetric matchers (expect.stringMatching, expect.any) are typed `any`, and a test reads
      // a helper's JSON output to assert on it: the assertion is the check these rules would ask for.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // Plain JavaScript (build scripts, this file) is not in the TypeScript project: no type information.
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
  },
);
