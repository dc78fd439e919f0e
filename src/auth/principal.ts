// Who is calling: the verified claims of a license token, as the rest of the service sees them.
export const ROLES = ['developer', 'researcher', 'reviewer', 'steward', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** License subject (the licensee's account id). */
  readonly sub: string;
  /** Organisation the license was issued to. */
  readonly org: string;
  readonly roles: readonly Role[];
  /** Datasets granted directly by the license, or every dataset. */
  readonly datasets: readonly string[] | 'all';
  /** Token id: the license id recorded in lineage, and the handle for revocation. */
  readonly jti: string;
  /** Expiry, seconds since the epoch. */
  readonly exp: number;
}

export const hasRole = (p: Principal, ...roles: Role[]): boolean => p.roles.some((r) => roles.includes(r));
export const grantsDataset = (p: Principal, dataset: string): boolean =>
  p.datasets === 'all' || p.datasets.includes(dataset);
