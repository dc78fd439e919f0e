// Conversion of DuckDB result values into the gate's values, by column type. Only scalar types the gate
// knows how to protect are read; a nested or binary column (LIST, STRUCT, MAP, BLOB, ...) could carry
// member values that no protection describes, so it fails the query instead.
import { DuckDBTypeId, type DuckDBDecimalValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { SandboxError } from '../failure.ts';
import type { GateValue } from '../gate/types.ts';

export type ValueConverter = (v: DuckDBValue) => GateValue;

const asNumber: ValueConverter = (v) => (v === null ? null : Number(v));
const asBigInt: ValueConverter = (v) => (v === null ? null : (v as bigint));
const asBoolean: ValueConverter = (v) => (v === null ? null : Boolean(v));
const asString: ValueConverter = (v) => (v === null ? null : typeof v === 'string' ? v : String(v));
// Decimals without a fraction stay exact as bigint; with one, a double is what the caller gets anyway.
const asDecimal: ValueConverter = (v) => {
  if (v === null) return null;
  const d = v as DuckDBDecimalValue;
  return d.scale === 0 ? d.value : d.toDouble();
};
const asNull: ValueConverter = () => null;

const CONVERTERS: Partial<Record<DuckDBTypeId, ValueConverter>> = {
  [DuckDBTypeId.BOOLEAN]: asBoolean,
  [DuckDBTypeId.TINYINT]: asNumber,
  [DuckDBTypeId.SMALLINT]: asNumber,
  [DuckDBTypeId.INTEGER]: asNumber,
  [DuckDBTypeId.UTINYINT]: asNumber,
  [DuckDBTypeId.USMALLINT]: asNumber,
  [DuckDBTypeId.UINTEGER]: asNumber,
  [DuckDBTypeId.FLOAT]: asNumber,
  [DuckDBTypeId.DOUBLE]: asNumber,
  [DuckDBTypeId.BIGINT]: asBigInt,
  [DuckDBTypeId.UBIGINT]: asBigInt,
  [DuckDBTypeId.HUGEINT]: asBigInt,
  [DuckDBTypeId.UHUGEINT]: asBigInt,
  [DuckDBTypeId.DECIMAL]: asDecimal,
  [DuckDBTypeId.VARCHAR]: asString,
  [DuckDBTypeId.ENUM]: asString,
  // Dates and times as ISO-8601 text (`2024-01-31`, `2024-01-31 08:15:00`): JSON has no date type.
  [DuckDBTypeId.DATE]: asString,
  [DuckDBTypeId.TIME]: asString,
  [DuckDBTypeId.TIMESTAMP]: asString,
  [DuckDBTypeId.TIMESTAMP_S]: asString,
  [DuckDBTypeId.TIMESTAMP_MS]: asString,
  [DuckDBTypeId.TIMESTAMP_NS]: asString,
  [DuckDBTypeId.TIMESTAMP_TZ]: asString,
  [DuckDBTypeId.SQLNULL]: asNull,
};

export function converterFor(type: DuckDBType): ValueConverter {
  const c = CONVERTERS[type.typeId];
  if (c === undefined) throw new SandboxError('unsupported_type');
  return c;
}
