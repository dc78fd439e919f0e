// Whether a principal may query the datasets a compiled query touches: the license's grants, the dataset's
// status (suspended or withdrawn data answers nothing) and its share type. Pure: decided from values.
import type { Catalog, Dataset } from '../catalog/schema.ts';
import { grantsDataset, type Principal } from '../auth/principal.ts';
import type { ApplicationGrant } from '../governance/purpose-binding.ts';

export type AccessDecision =
  | { readonly effect: 'allow' }
  | { readonly effect: 'deny'; readonly code: 'NOT_LICENSED' | 'DATASET_SUSPENDED'; readonly datasets: readonly string[] };

/**
 * `grant`: the datasets an approved application the query names opens (src/governance/purpose-binding.ts);
 * `status`: the dataset's status as governance decided it (suspensions, withdrawals), over the catalog's.
 */
export function decideDatasetAccess(
  principal: Principal,
  datasets: readonly string[],
  catalog: Catalog,
  grant?: ApplicationGrant,
  status: (dataset: string) => Dataset['status'] | undefined = (d) => catalog.dataset(d)?.status,
): AccessDecision {
  const suspended = datasets.filter((d) => status(d) !== 'active');
  if (suspended.length) return { effect: 'deny', code: 'DATASET_SUSPENDED', datasets: suspended };
  const unlicensed = datasets.filter((d) => {
    const ds = catalog.dataset(d);
    if (!ds) return true;
    if (ds.share.type === 'unconditional') return false;
    // Share type `none` is never reachable through a direct grant: only an admin coordination (governance).
    if (ds.share.type === 'none') return !(grant?.coordinated && grant.datasets.has(ds.id));
    return !(grantsDataset(principal, ds.id) || grant?.datasets.has(ds.id));
  });
  if (unlicensed.length) return { effect: 'deny', code: 'NOT_LICENSED', datasets: unlicensed };
  return { effect: 'allow' };
}
