/**
 * Failures of the domain that a caller is told about rather than a defect: the web layer maps each
 * kind to one HTTP status in one place (http/errors.ts), scripts to their own exit.
 */

/** The request contradicts stored data (e.g. a session that belongs to another learner). */
export class DomainConflict extends Error {
  override name = "DomainConflict";
}
