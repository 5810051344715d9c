// Cycles, type-only imports included: eslint's import-x/no-cycle skips `import type`, and a type
// cycle still ties two modules together. Layering is eslint's no-restricted-imports (eslint.config.js).
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import downwards only (docs/architecture.md); a cycle means two of them are one idea or one is in the wrong layer.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
  },
};
