import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { repoRoot } from '#infra/constructs/app-function';

/**
 * Which AWS API actions a catalog function's code can call, found from its source, not from its grants.
 *
 * 1. esbuild bundles the entry (node_modules external) and its metafile names the source files of ours the
 *    function ships with.
 * 2. Within those files, a call graph from the entry's top-level code (TypeScript's checker resolves every
 *    identifier and member to its declaration): functions, methods and initializers the entry can reach.
 *    A call through a port interface (`deps.timer.setTimer`) reaches the same-named member of every class of
 *    those files that implements the interface (shared/adapters). Class methods are reached only when called:
 *    the composition root constructs every adapter for every function, so file level would say every function
 *    schedules, dials and mails.
 * 3. In the reached code: `new XCommand(` of an import from `@aws-sdk/client-*` or `@aws-sdk/lib-dynamodb`,
 *    and the calls libraries make on our behalf (`libraryCalls`).
 *
 * The graph over-approximates within a function (every branch counts) and follows no value through a
 * parameter of a function type other than what the caller passes syntactically; `skippedFunctions` lists
 * code it must not follow, each with its reason.
 */

/** An AWS SDK v3 package -> the IAM prefix of its actions. */
export const sdkServicePrefix: Readonly<Record<string, string>> = {
  '@aws-sdk/client-scheduler': 'scheduler',
  '@aws-sdk/client-sesv2': 'ses',
  '@aws-sdk/client-connect': 'connect',
  '@aws-sdk/client-secrets-manager': 'secretsmanager',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-dynamodb-streams': 'dynamodb',
  '@aws-sdk/client-lambda': 'lambda',
  '@aws-sdk/lib-dynamodb': 'dynamodb',
};

/** The document client's commands -> the DynamoDB action each one sends. */
export const documentClientActions: Readonly<Record<string, string>> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  UpdateCommand: 'UpdateItem',
  DeleteCommand: 'DeleteItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  TransactWriteCommand: 'TransactWriteItems',
  TransactGetCommand: 'TransactGetItems',
};

/**
 * Classes of libraries that call AWS themselves: constructing one means its calls. The file is the library's
 * implementation; its `new XCommand(` are read from it, so an upgrade that adds a call shows up here.
 */
export const libraryCalls: Readonly<Record<string, { readonly exportName: string; readonly file: string }>> =
  {
    '@aws-lambda-powertools/idempotency/dynamodb': {
      exportName: 'DynamoDBPersistenceLayer',
      // Get / Put (conditional) / Update / Delete of the idempotency record.
      file: 'node_modules/@aws-lambda-powertools/idempotency/lib/esm/persistence/DynamoDBPersistenceLayer.js',
    },
  };

/** Code the call graph does not follow, each with why its calls are not the function's own. */
export const skippedFunctions: readonly {
  readonly file: string;
  readonly name: string;
  readonly reason: string;
}[] = [
  {
    file: 'shared/adapters/dependencies.ts',
    name: 'coldStartSecrets',
    reason:
      'reads the survey link secret at cold start only when SURVEY_LINK_SECRET_ARN is set, which only the ' +
      '`surveyLinkSecret` need sets; a function that uses the secret reaches it through its use cases',
  },
];

export interface AwsCall {
  /** `dynamodb:GetItem`. */
  readonly action: string;
  /** Where the call is made: `shared/adapters/scheduler-timer.ts:42`, or the library file. */
  readonly at: string;
}

/** The repository's own source files a function's bundle contains (esbuild metafile, packages external). */
export async function bundledSourceFiles(entry: string): Promise<string[]> {
  const result = await esbuild.build({
    entryPoints: [path.resolve(repoRoot, entry)],
    absWorkingDir: repoRoot,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs)
    .filter((file) => !file.startsWith('node_modules/'))
    .map((file) => path.resolve(repoRoot, file));
}

function libraryFileActions(file: string): AwsCall[] {
  const text = readFileSync(path.resolve(repoRoot, file), 'utf8');
  const imported = new Map<string, string>();
  for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/[^']+)'/g)) {
    for (const name of (m[1] ?? '').split(',').map((n) => n.trim().split(/\s+as\s+/)[0] ?? '')) {
      if (name) imported.set(name, m[2] ?? '');
    }
  }
  const calls: AwsCall[] = [];
  for (const m of text.matchAll(/new\s+(\w+Command)\s*\(/g)) {
    const name = m[1] ?? '';
    const action = commandAction(imported.get(name), name);
    if (action) calls.push({ action, at: file });
  }
  return calls;
}

/** `@aws-sdk/client-sesv2` + `SendEmailCommand` -> `ses:SendEmail`; undefined for a package not mapped. */
export function commandAction(pkg: string | undefined, command: string): string | undefined {
  if (!pkg) return undefined;
  const prefix = sdkServicePrefix[pkg];
  if (!prefix) {
    if (pkg.startsWith('@aws-sdk/client-')) throw new Error(`${pkg} has no IAM prefix in sdkServicePrefix`);
    return undefined;
  }
  if (pkg === '@aws-sdk/lib-dynamodb') {
    const action = documentClientActions[command];
    if (!action) throw new Error(`${command} of ${pkg} has no DynamoDB action in documentClientActions`);
    return `${prefix}:${action}`;
  }
  return `${prefix}:${command.replace(/Command$/, '')}`;
}

type FunctionLike =
  | ts.FunctionDeclaration
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

/** One TypeScript program over every entry, asked once per function. */
export class AwsCallScanner {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;

  constructor(entries: readonly string[]) {
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(repoRoot, 'tsconfig.json'),
      {},
      { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined },
    );
    if (!config) throw new Error('tsconfig.json could not be read');
    this.program = ts.createProgram({
      rootNames: entries.map((e) => path.resolve(repoRoot, e)),
      options: { ...config.options, noEmit: true },
    });
    this.checker = this.program.getTypeChecker();
  }

  /** The AWS actions the code reached from `entry` calls, each with the places it is called from. */
  async actions(entry: string): Promise<Map<string, string[]>> {
    const files = new Set(await bundledSourceFiles(entry));
    const calls = this.reachedCalls(path.resolve(repoRoot, entry), files);
    const byAction = new Map<string, string[]>();
    for (const call of calls) byAction.set(call.action, [...(byAction.get(call.action) ?? []), call.at]);
    return byAction;
  }

  private reachedCalls(entryFile: string, files: ReadonlySet<string>): AwsCall[] {
    const checker = this.checker;
    const ours = (node: ts.Node) => files.has(path.resolve(node.getSourceFile().fileName));
    const sourceFiles = [...files].flatMap((f) => this.program.getSourceFile(f) ?? []);
    const implementers = this.implementers(sourceFiles);
    const skipped = new Set(skippedFunctions.map((s) => `${path.resolve(repoRoot, s.file)}#${s.name}`));

    const seen = new Set<ts.Node>();
    const filesStarted = new Set<ts.SourceFile>();
    const queue: ts.Node[] = [];
    const calls: AwsCall[] = [];
    const enqueue = (node: ts.Node | undefined) => {
      if (!node || seen.has(node) || !ours(node)) return;
      const name = (node as { name?: ts.Node }).name;
      if (name && ts.isIdentifier(name) && skipped.has(`${node.getSourceFile().fileName}#${name.text}`))
        return;
      seen.add(node);
      queue.push(node);
      const sf = node.getSourceFile();
      if (!filesStarted.has(sf)) {
        filesStarted.add(sf);
        // Module-level statements run on import.
        for (const statement of sf.statements) if (runsOnImport(statement)) enqueue(statement);
      }
    };

    const reachDeclaration = (decl: ts.Declaration) => {
      // Ports are type-only imports, so not in the bundle: their members lead to implementations that are.
      if (!ours(decl) && !ts.isMethodSignature(decl) && !ts.isPropertySignature(decl)) return;
      if (
        ts.isFunctionDeclaration(decl) ||
        ts.isMethodDeclaration(decl) ||
        ts.isConstructorDeclaration(decl) ||
        ts.isGetAccessorDeclaration(decl) ||
        ts.isSetAccessorDeclaration(decl) ||
        ts.isFunctionExpression(decl) ||
        ts.isArrowFunction(decl)
      ) {
        enqueue(decl);
      } else if (ts.isVariableDeclaration(decl)) {
        enqueue(decl.initializer);
      } else if (ts.isPropertyDeclaration(decl) || ts.isPropertyAssignment(decl)) {
        enqueue(decl.initializer);
      } else if (ts.isClassDeclaration(decl) || ts.isClassExpression(decl)) {
        // Constructing a class runs its constructor and field initializers; its methods run when called.
        for (const clause of decl.heritageClauses ?? []) enqueue(clause);
        for (const member of decl.members) {
          if (ts.isConstructorDeclaration(member) || ts.isClassStaticBlockDeclaration(member))
            enqueue(member);
          if (ts.isPropertyDeclaration(member)) enqueue(member.initializer);
        }
      } else if (ts.isMethodSignature(decl) || ts.isPropertySignature(decl)) {
        // A call through an interface: every implementation in this bundle.
        const owner = decl.parent;
        const ownerSymbol =
          ts.isInterfaceDeclaration(owner) || ts.isClassDeclaration(owner)
            ? symbolOf(owner.name)
            : ts.isTypeLiteralNode(owner) && ts.isTypeAliasDeclaration(owner.parent)
              ? symbolOf(owner.parent.name)
              : undefined;
        const memberName = decl.name.getText();
        for (const impl of ownerSymbol ? (implementers.get(ownerSymbol) ?? []) : []) {
          const members = ts.isObjectLiteralExpression(impl) ? impl.properties : impl.members;
          for (const member of members) {
            if (member.name?.getText() === memberName) {
              if (ts.isPropertyAssignment(member)) enqueue(member.initializer);
              else enqueue(member);
            }
          }
        }
      }
    };

    const symbolOf = (node: ts.Node | undefined): ts.Symbol | undefined => {
      if (!node) return undefined;
      const symbol = checker.getSymbolAtLocation(node);
      return symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    };

    const awsImportOf = (node: ts.Expression): { pkg: string; name: string } | undefined => {
      if (!ts.isIdentifier(node)) return undefined;
      const symbol = checker.getSymbolAtLocation(node);
      const decl = symbol?.declarations?.[0];
      if (!decl || !ts.isImportSpecifier(decl)) return undefined;
      const module = decl.parent.parent.parent.moduleSpecifier;
      if (!ts.isStringLiteral(module)) return undefined;
      return { pkg: module.text, name: (decl.propertyName ?? decl.name).text };
    };

    const where = (node: ts.Node) => {
      const sf = node.getSourceFile();
      const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      return `${path.relative(repoRoot, sf.fileName)}:${line}`;
    };

    const walk = (node: ts.Node) => {
      if (ts.isNewExpression(node)) {
        const imported = awsImportOf(node.expression);
        if (imported) {
          const action = imported.name.endsWith('Command')
            ? commandAction(imported.pkg, imported.name)
            : undefined;
          if (action) calls.push({ action, at: where(node) });
          const library = libraryCalls[imported.pkg];
          if (library && library.exportName === imported.name) {
            for (const call of libraryFileActions(library.file)) {
              calls.push({ action: call.action, at: `${call.at} (from ${where(node)})` });
            }
          }
        }
      }
      if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) {
        const parent = node.parent;
        const symbol =
          parent && ts.isShorthandPropertyAssignment(parent) && parent.name === node
            ? checker.getShorthandAssignmentValueSymbol(parent)
            : symbolOf(node);
        for (const decl of symbol?.declarations ?? []) {
          // A declaration's own name is not a use of it.
          if ((decl as { name?: ts.Node }).name === node) continue;
          reachDeclaration(decl);
        }
      }
      ts.forEachChild(node, walk);
    };

    const entrySource = this.program.getSourceFile(entryFile);
    if (!entrySource) throw new Error(`${entryFile} is not in the program`);
    for (const statement of entrySource.statements) enqueue(statement);
    for (let node = queue.shift(); node; node = queue.shift()) {
      // A function's own name is not a call of it; walk its parameters and body.
      if (isFunctionLike(node)) {
        for (const p of node.parameters) walk(p);
        if (node.body) walk(node.body);
      } else {
        walk(node);
      }
    }
    return calls;
  }

  /**
   * Interface symbol -> what implements it in these files: classes that say `implements`, and object literals
   * typed as it (`return { getSecretValue: ... }` in a function returning the interface).
   */
  private implementers(
    sourceFiles: readonly ts.SourceFile[],
  ): Map<ts.Symbol, (ts.ClassLikeDeclaration | ts.ObjectLiteralExpression)[]> {
    const map = new Map<ts.Symbol, (ts.ClassLikeDeclaration | ts.ObjectLiteralExpression)[]>();
    const visit = (node: ts.Node) => {
      if (ts.isObjectLiteralExpression(node)) {
        const type = this.checker.getContextualType(node);
        const symbol = type?.aliasSymbol ?? type?.getSymbol();
        if (
          symbol &&
          symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.TypeLiteral)
        ) {
          map.set(symbol, [...(map.get(symbol) ?? []), node]);
        }
      }
      if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
        for (const clause of node.heritageClauses ?? []) {
          if (clause.token !== ts.SyntaxKind.ImplementsKeyword) continue;
          for (const type of clause.types) {
            let symbol = this.checker.getSymbolAtLocation(type.expression);
            if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
            if (symbol) map.set(symbol, [...(map.get(symbol) ?? []), node]);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    for (const sf of sourceFiles) visit(sf);
    return map;
  }
}

function isFunctionLike(node: ts.Node): node is FunctionLike {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** Top-level statements that do something when the module loads (not declarations, which run when used). */
function runsOnImport(statement: ts.Statement): boolean {
  return !(
    ts.isImportDeclaration(statement) ||
    ts.isExportDeclaration(statement) ||
    ts.isFunctionDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isVariableStatement(statement) ||
    ts.isEnumDeclaration(statement) ||
    ts.isModuleDeclaration(statement)
  );
}
