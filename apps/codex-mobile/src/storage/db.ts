/**
 * The app's own storage: one IndexedDB database with a key-value store. Device keys, paired laptops
 * and resume cursors live here and never leave the device (nothing here is sent anywhere).
 */
const DB_NAME = "codex-remote";
const STORE = "kv";

let opening: Promise<IDBDatabase> | undefined;

function db(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("indexedDB open failed"));
  });
  return opening;
}

function tx<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return db().then(
    (d) =>
      new Promise<T>((resolve, reject) => {
        const t = d.transaction(STORE, mode);
        const req = fn(t.objectStore(STORE));
        t.oncomplete = () => resolve(req.result);
        t.onerror = () => reject(t.error ?? new Error("indexedDB transaction failed"));
      }),
  );
}

export const kv = {
  get: <T>(key: string): Promise<T | undefined> => tx("readonly", (s) => s.get(key) as IDBRequest<T | undefined>),
  set: (key: string, value: unknown): Promise<void> => tx("readwrite", (s) => s.put(value, key)).then(() => {}),
  del: (key: string): Promise<void> => tx("readwrite", (s) => s.delete(key)).then(() => {}),
  keys: (prefix: string): Promise<string[]> =>
    tx("readonly", (s) => s.getAllKeys(IDBKeyRange.bound(prefix, `${prefix}\uffff`))).then((k) => k.map(String)),
};
