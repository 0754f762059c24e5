import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Orchestrators are replayed, so anything that differs between replays would break determinism. */
const orchestratorRestrictions = {
  files: ['functions/src/functions/**/*orchestrat*.ts'],
  rules: {
    'no-restricted-globals': [
      'error',
      { name: 'Date', message: 'Use context.df.currentUtcDateTime: orchestrators are replayed.' },
      { name: 'setTimeout', message: 'Use context.df.createTimer: orchestrators are replayed.' },
      { name: 'setInterval', message: 'Use context.df.createTimer: orchestrators are replayed.' },
      { name: 'setImmediate', message: 'Orchestrators must not schedule their own callbacks.' },
      { name: 'fetch', message: 'Do I/O in an activity or with context.df.callHttp.' },
    ],
    'no-restricted-properties': [
      'error',
      { object: 'Math', property: 'random', message: 'Use context.df.newGuid: orchestrators are replayed.' },
      { object: 'process', property: 'env', message: 'Read settings in an activity or pass them as input.' },
      { object: 'Date', property: 'now', message: 'Use context.df.currentUtcDateTime: orchestrators are replayed.' },
    ],
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [
              'fs',
              'fs/*',
              'node:fs',
              'node:fs/*',
              'http',
              'https',
              'node:http',
              'node:https',
              'net',
              'node:net',
            ],
            message: 'Do I/O in an activity: orchestrators are replayed.',
          },
          { group: ['@azure/storage-*', '@azure/identity'], message: 'Do storage I/O in an activity.' },
        ],
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'cdktf.out/**', '.data/**', 'coverage/**', '.gen/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  orchestratorRestrictions,
);
