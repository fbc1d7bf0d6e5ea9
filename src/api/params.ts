import { badRequest } from './errors.js';

/** A query parameter that must be a positive integer (`limit`, `before`); empty or absent gives `fallback`. */
export function positiveInteger(text: string | undefined, name: string, fallback: number | undefined): number | undefined {
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw badRequest(`${name}: expected a positive integer, got ${JSON.stringify(text)}`);
  return value;
}
