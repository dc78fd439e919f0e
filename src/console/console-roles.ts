// Who may open which console section: exactly the roles the API admits for the data the section shows, so
// that the console never opens a door the API keeps shut. Lineage, integrity and budgets are read from the
// lineage log (GET /v1/lineage*: reviewer only); the queues are the governance work of stewards (of the
// providing organisation) and admins (coordination). Reviewers get no queues: the API shows them no one
// else's applications or objections, and the governance transitions they audit are in the lineage log.
import { hasRole, type Principal, type Role } from '../auth/principal.ts';

export const CONSOLE_SECTIONS = ['lineage', 'integrity', 'budgets', 'queues'] as const;
export type ConsoleSection = (typeof CONSOLE_SECTIONS)[number];

export const SECTION_ROLES: Readonly<Record<ConsoleSection, readonly Role[]>> = {
  lineage: ['reviewer'],
  integrity: ['reviewer'],
  budgets: ['reviewer'],
  queues: ['steward', 'admin'],
};

/**
 * The API operations whose access each section mirrors (their `x-dsbx-roles` in the API description); a test
 * holds the two equal so that a change on one side breaks the build of the other.
 */
export const SECTION_OPERATIONS: Readonly<Record<ConsoleSection, readonly string[]>> = {
  lineage: ['listLineage', 'getLineageRecord'],
  integrity: ['verifyLineage'],
  budgets: ['listLineage'],
  queues: ['decideApplication', 'resolveObjection', 'coordinateApplication'],
};

export const maySee = (p: Principal, section: ConsoleSection): boolean => hasRole(p, ...SECTION_ROLES[section]);

/** The sections this principal may open, in navigation order. */
export const sectionsOf = (p: Principal): ConsoleSection[] => CONSOLE_SECTIONS.filter((s) => maySee(p, s));

export const mayUseConsole = (p: Principal): boolean => sectionsOf(p).length > 0;

/** Where a principal lands after sign-in: their first section (undefined when the console is not for them). */
export const homeSectionOf = (p: Principal): ConsoleSection | undefined => sectionsOf(p)[0];
