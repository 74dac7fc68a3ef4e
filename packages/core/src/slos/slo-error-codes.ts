/** Domain error codes of the SLO lifecycle (spec 004 FR-5); statuses in the API's status table. */
export const SloErrorCodes = {
  /** The service has no active SLO. → 404 */
  NOT_FOUND: 'SLO.NOT_FOUND',
  /** No recommendation of this service has the id. → 404 */
  RECOMMENDATION_NOT_FOUND: 'SLO.RECOMMENDATION_NOT_FOUND',
  /** The recommendation was decided, superseded or has expired; `details.reason` says which. → 409 */
  RECOMMENDATION_NOT_CURRENT: 'SLO.RECOMMENDATION_NOT_CURRENT',
  /** Automation may not replace an SLO a person set (`unlessSetByPerson`). → 409 */
  SET_BY_PERSON: 'SLO.SET_BY_PERSON',
} as const;

export type SloErrorCode = (typeof SloErrorCodes)[keyof typeof SloErrorCodes];
