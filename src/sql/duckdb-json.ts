// Strict readers over DuckDB's json_serialize_sql output: a node must have exactly the expected keys, and
// fields that would change the meaning (filters, ORDER BY inside aggregates, samples, ...) must hold their
// defaults. Anything else is reported as not understood, so a new DuckDB feature cannot slip past.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** Raised inside the converter only; converted into a coded violation at the boundary (never shown). */
export class NotUnderstood extends Error {
  constructor(readonly rule: 'UNKNOWN_NODE', readonly position: number | undefined) {
    super('not understood');
  }
}

export const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

export function asObject(v: Json | undefined, pos?: number): JsonObject {
  if (!isObject(v)) throw new NotUnderstood('UNKNOWN_NODE', pos);
  return v;
}

export function asArray(v: Json | undefined, pos?: number): Json[] {
  if (!Array.isArray(v)) throw new NotUnderstood('UNKNOWN_NODE', pos);
  return v;
}

export function asString(v: Json | undefined, pos?: number): string {
  if (typeof v !== 'string') throw new NotUnderstood('UNKNOWN_NODE', pos);
  return v;
}

export function asBoolean(v: Json | undefined, pos?: number): boolean {
  if (typeof v !== 'boolean') throw new NotUnderstood('UNKNOWN_NODE', pos);
  return v;
}

/** The node's keys must be exactly `keys` (order-insensitive). */
export function expectKeys(o: JsonObject, keys: readonly string[], pos?: number): void {
  const actual = Object.keys(o);
  if (actual.length !== keys.length || !keys.every((k) => Object.hasOwn(o, k))) throw new NotUnderstood('UNKNOWN_NODE', pos);
}

/** A field must hold its neutral default: null, false, '', [] or an ORDER_MODIFIER with no orders. */
export function expectDefault(o: JsonObject, key: string, pos?: number): void {
  const v = o[key];
  const neutral =
    v === null ||
    v === false ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (isObject(v) && v['type'] === 'ORDER_MODIFIER' && Array.isArray(v['orders']) && v['orders'].length === 0 && Object.keys(v).length === 2);
  if (!neutral) throw new NotUnderstood('UNKNOWN_NODE', pos);
}

export const positionOf = (o: JsonObject): number => (typeof o['query_location'] === 'number' && o['query_location'] < 2 ** 52 ? o['query_location'] : 0);
