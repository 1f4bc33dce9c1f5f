// Lint rules: typescript-eslint's recommended set, plus the layering rule of docs/ARCHITECTURE.md
// (lower layers never import the CLI; eval/ never imports stages/).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'runs/', 'datasets/', 'scratch/', '.gpu/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/cli/*'], message: 'only src/cli may import src/cli (layers point down)' }] }],
    },
  },
  {
    files: ['src/eval/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/cli/*'], message: 'only src/cli may import src/cli (layers point down)' },
        { group: ['**/stages/**'], message: 'eval/ sits below stages/ (docs/ARCHITECTURE.md): stages call eval, not the other way' },
      ] }],
    },
  },
);
