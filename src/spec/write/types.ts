import type { Slo } from '../../core/index.js';

export type TargetFormat = 'openslo' | 'sloth' | 'pyrra' | 'sloe';
export const TARGET_FORMATS: readonly TargetFormat[] = ['openslo', 'sloth', 'pyrra', 'sloe'];

/** One YAML document for one SLO (or one Sloth service), with what the target could only approximate. */
export interface WrittenDocument {
  /** The file it belongs in: one per SLO, or per service for Sloth. */
  readonly fileName: string;
  readonly body: Record<string, unknown>;
  readonly approximations: readonly string[];
}

/** What a writer cannot express: the SLO and what of it. */
export interface Inexpressible {
  readonly slo: Slo;
  readonly message: string;
}

export interface WriteResult {
  readonly documents: readonly WrittenDocument[];
  readonly inexpressible: readonly Inexpressible[];
}
