export { MemoryDocumentStore, MemoryJournal } from './memory-records.js';
export { MemoryEngineStore } from './memory-engine-store.js';
export { MemoryIncidentStore } from './memory-incidents.js';
export { openMemoryStore } from './memory-store.js';
export { DEFAULT_FINE_KEEP, DEFAULT_RETENTION, openSqliteStore } from './sqlite/store.js';
export type { SloeStore, SqliteStore, StoreOptions } from './sqlite/store.js';
export { MIGRATIONS } from './sqlite/migrations.js';
export type { Migration } from './sqlite/migrations.js';
export { migrate, openDatabase } from './sqlite/database.js';
