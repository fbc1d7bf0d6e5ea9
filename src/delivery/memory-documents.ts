import type { DocumentStore } from '../core/index.js';

/**
 * A DocumentStore kept in memory, for senders that are given no store (one-shot commands) and for tests: a queue on
 * it behaves the same, it only forgets on exit.
 */
export function memoryDocuments(): DocumentStore {
  const namespaces = new Map<string, Map<string, unknown>>();
  const space = (namespace: string): Map<string, unknown> => {
    let documents = namespaces.get(namespace);
    if (!documents) namespaces.set(namespace, (documents = new Map<string, unknown>()));
    return documents;
  };
  return {
    get: (namespace, key) => space(namespace).get(key),
    put: (namespace, key, value) => void space(namespace).set(key, structuredClone(value)),
    delete: (namespace, key) => void space(namespace).delete(key),
    list: (namespace) => [...space(namespace)].map(([key, value]) => ({ key, value })),
    namespaces: (prefix) => [...namespaces].filter(([namespace, documents]) => documents.size > 0 && namespace.startsWith(prefix)).map(([namespace]) => namespace).sort(),
  };
}
