// Lint rules, including the import arrows between layers (see docs/architecture.md).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'net',
  'tls',
  'http',
  'https',
  'crypto',
  'zlib',
  'os',
  'child_process',
];
const pattern = (group, message) => ({ group, message });

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'build/**',
      'dist/**',
      'test-results/**',
      'playwright-report/**',
      'bench/results/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // One tsconfig per runtime; a file is checked under the first one that includes it.
        project: [
          './tsconfig.shared.json',
          './tsconfig.main.json',
          './tsconfig.renderer.json',
          './tsconfig.test.json',
        ],
        tsconfigRootDir: import.meta.dirname,
      },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(nodeBuiltins, 'shared/ is environment-free: no Node built-ins.'),
            pattern(['electron', 'react', 'react-dom', 'ws', 'zustand'], 'shared/ is environment-free.'),
            pattern(['**/main/**', '**/renderer/**'], 'shared/ imports nothing outside shared/.'),
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(['electron'], 'Only main/electron/** may import electron: the core runs without it.'),
            pattern(['**/renderer/**', 'react', 'react-dom', 'zustand'], 'main/ never imports the renderer.'),
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ignores: ['renderer/vite.config.ts'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            pattern(nodeBuiltins, 'The renderer never imports Node built-ins.'),
            pattern(['electron', 'ws'], 'The renderer talks to the core only through the API contract.'),
            pattern(
              ['**/main/**'],
              'The renderer talks to the core only through the API contract in shared/api.',
            ),
          ],
        },
      ],
    },
  },
);
