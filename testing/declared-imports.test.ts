// Every package declares what its code imports at run time. npm hoisting makes an undeclared
// import work in this checkout (another package brought it), and then fail in an install of the
// package alone or after an unrelated dependency change. Type-only imports are left out: they
// vanish when the code runs.
import { type Dirent, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '..');
const WORKSPACES = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { workspaces: string[] }).workspaces;
/** The folders of a package whose code runs: its sources, and the CLI's launcher. */
const RUNTIME_FOLDERS = ['src', 'bin'];
const CODE_FILE = /\.(ts|mts|mjs|js)$/;
const DECLARATION_FILE = /\.d\.(ts|mts)$/;
const BUILTINS = new Set(builtinModules);

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function codeFiles(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : codeFiles(path);
    return CODE_FILE.test(entry.name) && !DECLARATION_FILE.test(entry.name) ? [path] : [];
  });
}

/** A string literal argument, when a call has exactly that as its first argument. */
function literalArgument(call: ts.CallExpression): string | undefined {
  const first = call.arguments[0];
  return first && ts.isStringLiteralLike(first) ? first.text : undefined;
}

/** `createRequire(...)`, possibly as `module.createRequire(...)`. */
function isCreateRequireCall(node: ts.Node): boolean {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  return (ts.isIdentifier(callee) && callee.text === 'createRequire') || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'createRequire');
}

/**
 * The module specifiers a file imports at run time: static imports and re-exports that are not
 * `import type` / `export type`, dynamic import(), and require() / require.resolve() of a literal,
 * also through a function made by createRequire (`const load = createRequire(...); load('x')`).
 * `import { type A } from 'x'` counts: under verbatimModuleSyntax it stays as `import {} from 'x'`.
 */
export function runtimeImports(fileName: string, text: string): string[] {
  const kind = /\.m?js$/.test(fileName) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, kind);
  const requireFunctions = new Set(['require']);
  const collectRequireFunctions = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && isCreateRequireCall(node.initializer))
      requireFunctions.add(node.name.text);
    ts.forEachChild(node, collectRequireFunctions);
  };
  collectRequireFunctions(source);
  const isRequireFunction = (node: ts.Expression) => (ts.isIdentifier(node) && requireFunctions.has(node.text)) || isCreateRequireCall(node);

  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.importClause?.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      if (!node.isTypeOnly) found.push(node.moduleReference.expression.text);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = isRequireFunction(callee);
      const isRequireResolve = ts.isPropertyAccessExpression(callee) && callee.name.text === 'resolve' && isRequireFunction(callee.expression);
      const specifier = literalArgument(node);
      if ((isImport || isRequire || isRequireResolve) && specifier !== undefined) found.push(specifier);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The package a bare specifier names ('@scope/name/sub' -> '@scope/name'), or undefined for relative paths and Node built-ins. */
export function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
  return BUILTINS.has(name) ? undefined : name;
}

/** "file: package" for every runtime import of a workspace package that its package.json does not declare. */
function undeclaredImports(): string[] {
  const problems: string[] = [];
  for (const workspace of WORKSPACES) {
    const manifest = JSON.parse(readFileSync(join(REPO, workspace, 'package.json'), 'utf8')) as PackageJson;
    const declared = new Set([manifest.name, ...Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies })]);
    for (const file of RUNTIME_FOLDERS.flatMap((folder) => codeFiles(join(REPO, workspace, folder)))) {
      for (const specifier of runtimeImports(file, readFileSync(file, 'utf8'))) {
        const name = packageOf(specifier);
        if (name !== undefined && !declared.has(name)) problems.push(`${relative(REPO, file)}: ${name}`);
      }
    }
  }
  return [...new Set(problems)].sort();
}

describe('declared imports', () => {
  it('finds runtime imports and leaves out type-only ones', () => {
    const text = [
      "import a from 'a';",
      "import { b } from '@scope/b/deep';",
      "import type { C } from 'c';",
      "import { type D } from 'd';",
      "export * from 'e';",
      "export type { F } from 'f';",
      "import 'g';",
      "const h = await import('h');",
      "const i = require('i'); require.resolve('j');",
      "import { k } from './k.js';",
      "import { l } from 'node:fs';",
      "const load = createRequire(createRequire(import.meta.url).resolve('m'));",
      "const N = load('n');",
    ].join('\n');
    expect(runtimeImports('example.ts', text).map(packageOf)).toEqual(['a', '@scope/b', 'd', 'e', 'g', 'h', 'i', 'j', undefined, undefined, 'm', 'n']);
    expect(packageOf('fs')).toBeUndefined();
  });

  it('every package declares in its dependencies the packages its code imports at run time', () => {
    const undeclared = undeclaredImports();
    expect(undeclared).toEqual([]);
  });
});
