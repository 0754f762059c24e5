/**
 * Returns CommonJS source that compiles `.ts` files with `typescript` as they are required and then requires
 * `entry`. It lets a worker thread or child process run the host from its TypeScript sources, as tests do.
 */
export function typescriptBootstrap(entry: string): string {
  const typescript = require.resolve('typescript', { paths: [__dirname] });
  return `
    const fs = require('node:fs');
    const ts = require(${JSON.stringify(typescript)});
    const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
    require.extensions['.ts'] = (module, filename) => {
      const source = fs.readFileSync(filename, 'utf8');
      module._compile(ts.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText, filename);
    };
    require(${JSON.stringify(entry)});
  `;
}
