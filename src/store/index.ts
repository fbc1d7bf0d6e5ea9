export { MemoryDocumentStore, MemoryJournal } from './memory-records.js';
