// SQL macros the sandbox defines before locking its configuration; the compiler defines the same ones in
// its plan-checking instance, so that what it binds is what the sandbox runs. age_band and bucket are
// generalizing functions in policies/functions.yaml; dsbx_clamp is the compiler's own (src/sql/clamp.ts),
// which a caller cannot name (it is in no function list, so the analysis refuses it).

/** The clamp the rewrites put around bounded values (src/sql/clamp.ts). */
export const CLAMP_MACRO = 'dsbx_clamp';

export const SANDBOX_MACROS: readonly string[] = [
  // Lower bound of the age band (in whole years, as of today) that a birth date falls into.
  `CREATE OR REPLACE TEMP MACRO age_band(d, width) AS
     CAST(floor(date_diff('year', CAST(d AS DATE), current_date) / CAST(width AS INTEGER)) * CAST(width AS INTEGER) AS INTEGER)`,
  // Lower bound of the fixed-width bucket that a number falls into.
  `CREATE OR REPLACE TEMP MACRO bucket(x, width) AS floor(CAST(x AS DOUBLE) / CAST(width AS DOUBLE)) * CAST(width AS DOUBLE)`,
  // x clamped to [lo, hi], NULL kept NULL.
  `CREATE OR REPLACE TEMP MACRO ${CLAMP_MACRO}(x, lo, hi) AS CASE WHEN x < lo THEN lo WHEN x > hi THEN hi ELSE x END`,
];
