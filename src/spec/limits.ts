/**
 * Limits on what a spec file may be. The file reader in app/ refuses larger files before reading them with the same
 * figure; this check holds for bytes that reach spec/ some other way (the API, tests).
 */
export const MAX_SPEC_FILE_BYTES = 10 * 1024 * 1024;

/** Alias expansions allowed per document: enough for shared label blocks, far too few for a "billion laughs". */
export const MAX_YAML_ALIASES = 100;

/** Raise a no-data alert after this long without events unless the spec says otherwise. */
export const DEFAULT_NO_DATA_FOR_MS = 10 * 60 * 1000;
