import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdktf.out/',
      'coverage/',
      'dist/',
      '.bench/',
      '*.js',
      '*.mjs',
      'scripts/*.js',
      '__tests__/support/*.js',
      '__tests__/**/fixtures/*.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Constructs are created for their side effect on the tree.
      'no-new': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
);
