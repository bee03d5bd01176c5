import { createRequire } from 'node:module';

/**
 * The few SQLite calls the spool makes, over either of two drivers:
 *
 * - better-sqlite3, a native addon: what `vigil agent` and the agent bundle use under Node 20;
 * - node:sqlite (DatabaseSync), built into Node 22.13+ and 24: what the self-contained agent
 *   executable uses (docs/INSTALL.md), which cannot load an addon from node_modules and must not
 *   need a compiler or a download on the recorder host.
 *
 * Both write the same file format, so a spool made by one opens with the other. Errors carry
 * better-sqlite3's `code` (SQLITE_FULL, SQLITE_IOERR_WRITE, ...) from either driver, because the
 * spool tells a full disk from other failures by it (isStorageFull).
 */
export type SqliteDriverName = 'better-sqlite3' | 'node:sqlite';
export const SQLITE_DRIVERS: readonly SqliteDriverName[] = ['better-sqlite3', 'node:sqlite'];

export type SqliteValue = string | number | bigint | null | Uint8Array;

export interface SqliteStatement {
  run(...params: SqliteValue[]): { changes: number };
  get(...params: SqliteValue[]): unknown;
  all(...params: SqliteValue[]): unknown[];
}

export interface SqliteDatabase {
  readonly driver: SqliteDriverName;
  /** The file it was opened with (':memory:' for none). */
  readonly path: string;
  readonly inTransaction: boolean;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  /** `PRAGMA <text>`: its rows, or with `simple` the first column of the first row. */
  pragma(text: string, options?: { simple?: boolean }): unknown;
  /** better-sqlite3's semantics: BEGIN/COMMIT, ROLLBACK on a throw; a nested call is a savepoint. */
  transaction<T>(work: () => T): () => T;
  close(): void;
}

/** The subset of node:sqlite's DatabaseSync used here (its types are not in @types/node 20). */
interface NodeSqliteStatement {
  run(...params: SqliteValue[]): { changes: number | bigint };
  get(...params: SqliteValue[]): unknown;
  all(...params: SqliteValue[]): unknown[];
}
interface NodeSqliteDatabase {
  readonly isTransaction: boolean;
  prepare(sql: string): NodeSqliteStatement;
  exec(sql: string): void;
  close(): void;
}
interface NodeSqliteModule {
  DatabaseSync: new (path: string, options?: { timeout?: number }) => NodeSqliteDatabase;
}

interface BetterSqliteStatement {
  run(...params: SqliteValue[]): { changes: number };
  get(...params: SqliteValue[]): unknown;
  all(...params: SqliteValue[]): unknown[];
}
interface BetterSqliteDatabase {
  readonly inTransaction: boolean;
  prepare(sql: string): BetterSqliteStatement;
  exec(sql: string): void;
  pragma(text: string, options?: { simple?: boolean }): unknown;
  transaction<T>(work: () => T): () => T;
  close(): void;
}
type BetterSqliteConstructor = new (path: string, options?: { timeout?: number }) => BetterSqliteDatabase;

/** Busy timeout, as better-sqlite3's default: a reader in another process may hold the file briefly. */
const BUSY_TIMEOUT_MS = 5_000;

/** True inside a Node single executable application (the packaged agent, agent/scripts/package.mjs). */
export function insideSingleExecutable(): boolean {
  const sea = process.getBuiltinModule?.('node:sea') as { isSea(): boolean } | undefined;
  return sea?.isSea() === true;
}

function loadNodeSqlite(): NodeSqliteModule | string {
  // getBuiltinModule rather than import: node:sqlite does not exist before Node 22.5, and the agent
  // still runs on Node 20 with better-sqlite3.
  const module = process.getBuiltinModule?.('node:sqlite') as NodeSqliteModule | undefined;
  return module?.DatabaseSync ? module : `node:sqlite is not built into Node ${process.version} (it needs 22.13 or later)`;
}

let betterSqlite: BetterSqliteConstructor | string | undefined;
function loadBetterSqlite(): BetterSqliteConstructor | string {
  if (betterSqlite !== undefined) return betterSqlite;
  try {
    // Resolved at run time beside this module (the bundle keeps a copy in agent/dist/node_modules);
    // a single executable has no node_modules and never gets here.
    const required = createRequire(import.meta.url)('better-sqlite3') as BetterSqliteConstructor | { default: BetterSqliteConstructor };
    const Database = typeof required === 'function' ? required : required.default;
    // The addon itself loads on the first open: one built for another Node fails only then.
    new Database(':memory:').close();
    betterSqlite = Database;
  } catch (error) {
    betterSqlite = `better-sqlite3 cannot load here (${(error as Error).message.split('\n')[0]})`;
  }
  return betterSqlite;
}

/** Which drivers load in this process, in the order `auto` tries them. */
export function availableSqliteDrivers(): SqliteDriverName[] {
  return SQLITE_DRIVERS.filter((driver) => typeof (driver === 'node:sqlite' ? loadNodeSqlite() : loadBetterSqlite()) !== 'string');
}

/**
 * Opens `path` with `driver`; `auto` is node:sqlite inside the single executable, else
 * better-sqlite3, else (no addon built for this Node) node:sqlite.
 */
export function openSqlite(path: string, driver: SqliteDriverName | 'auto' = 'auto'): SqliteDatabase {
  const order: SqliteDriverName[] = driver !== 'auto' ? [driver] : insideSingleExecutable() ? ['node:sqlite'] : ['better-sqlite3', 'node:sqlite'];
  const reasons: string[] = [];
  for (const candidate of order) {
    if (candidate === 'node:sqlite') {
      const module = loadNodeSqlite();
      if (typeof module !== 'string') return nodeSqlite(module, path);
      reasons.push(module);
    } else {
      const Database = loadBetterSqlite();
      if (typeof Database !== 'string') return betterSqlite3(Database, path);
      reasons.push(Database);
    }
  }
  throw new Error(`no SQLite driver for the spool: ${reasons.join('; ')}`);
}

function betterSqlite3(Database: BetterSqliteConstructor, path: string): SqliteDatabase {
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  return {
    driver: 'better-sqlite3',
    path,
    get inTransaction() {
      return db.inTransaction;
    },
    prepare: (sql) => db.prepare(sql),
    exec: (sql) => void db.exec(sql),
    pragma: (text, options) => db.pragma(text, options),
    transaction: (work) => db.transaction(work),
    close: () => db.close(),
  };
}

/** SQLite's primary result codes by number, for better-sqlite3-style `code`s. */
const PRIMARY_CODES: Record<number, string> = {
  1: 'ERROR',
  2: 'INTERNAL',
  3: 'PERM',
  4: 'ABORT',
  5: 'BUSY',
  6: 'LOCKED',
  7: 'NOMEM',
  8: 'READONLY',
  9: 'INTERRUPT',
  10: 'IOERR',
  11: 'CORRUPT',
  12: 'NOTFOUND',
  13: 'FULL',
  14: 'CANTOPEN',
  15: 'PROTOCOL',
  16: 'EMPTY',
  17: 'SCHEMA',
  18: 'TOOBIG',
  19: 'CONSTRAINT',
  20: 'MISMATCH',
  21: 'MISUSE',
  22: 'NOLFS',
  23: 'AUTH',
  24: 'FORMAT',
  25: 'RANGE',
  26: 'NOTADB',
};
/** The extended I/O codes a full or failing disk produces (sqlite3.h: SQLITE_IOERR | n << 8). */
const IOERR_CODES: Record<number, string> = { 3: 'WRITE', 4: 'FSYNC', 6: 'TRUNCATE', 7: 'FSTAT', 13: 'SHMOPEN', 14: 'SHMSIZE', 18: 'SHMMAP', 26: 'MMAP' };

/** node:sqlite throws code ERR_SQLITE_ERROR with the SQLite code in `errcode`: give it better-sqlite3's name. */
function withSqliteCode(error: unknown): unknown {
  const errcode = (error as { errcode?: unknown } | null)?.errcode;
  if (typeof errcode !== 'number') return error;
  const primary = PRIMARY_CODES[errcode & 0xff];
  if (primary === undefined) return error;
  const extended = primary === 'IOERR' ? IOERR_CODES[errcode >> 8] : undefined;
  Object.defineProperty(error, 'code', { value: `SQLITE_${primary}${extended ? `_${extended}` : ''}`, configurable: true, writable: true });
  return error;
}

function translated<A extends unknown[], R>(call: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return call(...args);
    } catch (error) {
      throw withSqliteCode(error);
    }
  };
}

function nodeSqlite(module: NodeSqliteModule, path: string): SqliteDatabase {
  const db = translated(() => new module.DatabaseSync(path, { timeout: BUSY_TIMEOUT_MS }))();
  const exec = translated((sql: string) => db.exec(sql));
  const prepare = translated((sql: string): SqliteStatement => {
    const statement = db.prepare(sql);
    return {
      run: translated((...params: SqliteValue[]) => ({ changes: Number(statement.run(...params).changes) })),
      get: translated((...params: SqliteValue[]) => statement.get(...params)),
      all: translated((...params: SqliteValue[]) => statement.all(...params)),
    };
  });
  let savepoints = 0;
  return {
    driver: 'node:sqlite',
    path,
    get inTransaction() {
      return db.isTransaction;
    },
    prepare,
    exec,
    pragma(text, options) {
      const rows = prepare(`PRAGMA ${text}`).all() as Array<Record<string, unknown>>;
      if (!options?.simple) return rows;
      const first = rows[0];
      return first === undefined ? undefined : Object.values(first)[0];
    },
    transaction<T>(work: () => T): () => T {
      return () => {
        if (!db.isTransaction) {
          exec('BEGIN');
          try {
            const result = work();
            exec('COMMIT');
            return result;
          } catch (error) {
            // SQLite may already have rolled back by itself (SQLITE_FULL does, for example).
            if (db.isTransaction) exec('ROLLBACK');
            throw error;
          }
        }
        const name = `vigil_savepoint_${++savepoints}`;
        exec(`SAVEPOINT ${name}`);
        try {
          const result = work();
          exec(`RELEASE ${name}`);
          return result;
        } catch (error) {
          if (db.isTransaction) {
            exec(`ROLLBACK TO ${name}`);
            exec(`RELEASE ${name}`);
          }
          throw error;
        } finally {
          savepoints--;
        }
      };
    },
    close: () => db.close(),
  };
}
