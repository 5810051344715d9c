// Lint: typescript-eslint's recommended rules, plus the import rules that keep the layers of
// docs/architecture.md honest: no cycles (type-only imports included) and no import upwards.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Each layer and the layers it must not import (higher ones, or siblings it has no business with). */
const layers = {
  'src/model.ts': ['errors', 'hubspot', 'auth', 'mapping', 'actions', 'pipeline', 'commands', 'cli'],
  'src/errors.ts': ['hubspot', 'auth', 'mapping', 'actions', 'pipeline', 'commands', 'cli'],
  'src/hubspot/**': ['auth', 'mapping', 'actions', 'pipeline', 'commands', 'cli'],
  'src/auth/**': ['mapping', 'actions', 'pipeline', 'commands', 'cli'],
  'src/actions/**': ['mapping', 'pipeline', 'commands', 'cli', 'auth'],
  'src/mapping/**': ['pipeline', 'commands', 'cli', 'auth', 'hubspot'],
  'src/pipeline/**': ['commands', 'cli', 'auth', 'preflight'],
  'src/preflight/**': ['pipeline', 'commands', 'cli', 'auth'],
  'src/commands/**': ['cli'],
};

const upward = Object.entries(layers).map(([files, banned]) => ({
  files: [files],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: banned.map((layer) => ({
          group: [`**/${layer}/*`, `**/${layer}.js`],
          message: `${files.replace(/\/\*\*$/, '')} must not import from src/${layer} (see docs/architecture.md: imports go downwards only).`,
        })),
      },
    ],
  },
}));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bench/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: 'tsconfig.test.json' })],
      // Dependencies are read with the TypeScript parser too, or their imports would go unseen.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // HubSpot's answers are untyped JSON: `any` is where they are read, on purpose.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    // A function that outgrows a screen has more than one idea in it (issue 8): split it.
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true }] },
  },
  ...upward,
  {
    // The emulator stands for HubSpot: it must not lean on the code it tests.
    files: ['test/emulator/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/src/**'], message: 'the emulator is independent of src/' }] }] },
  },
  {
    files: ['*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['bin/**', 'scripts/**/*.mjs', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
