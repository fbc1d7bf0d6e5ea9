import { MemoryDocumentStore, MemoryJournal } from './memory-records.js';
import { MemoryEngineStore } from './memory-engine-store.js';
import { MemoryIncidentStore } from './memory-incidents.js';
import { DEFAULT_FINE_KEEP, DEFAULT_RETENTION } from './sqlite/store.js';
import type { SloeStore, StoreOptions } from './sqlite/store.js';

/** The in-memory store: the same ports as the SQLite one, nothing durable. */
export function openMemoryStore(options: StoreOptions = {}): SloeStore {
  return {
    engine: new MemoryEngineStore({ retention: options.retention ?? DEFAULT_RETENTION, fineKeep: options.fineKeep ?? DEFAULT_FINE_KEEP }),
    documents: new MemoryDocumentStore(),
    journal: new MemoryJournal(),
    incidents: new MemoryIncidentStore(),
    transaction: (work) => work(),
    sizeOnDisk: () => 0,
    close: () => undefined,
  };
}
