// Who may use the console: the roles that may read the lineage log (as the reviewer API, plus admin).
import { hasRole, type Principal, type Role } from '../auth/principal.ts';

export const CONSOLE_ROLES: readonly Role[] = ['reviewer', 'admin'];
export const mayUseConsole = (p: Principal): boolean => hasRole(p, ...CONSOLE_ROLES);
