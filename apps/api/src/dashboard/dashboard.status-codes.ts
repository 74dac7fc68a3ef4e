/**
 * Domain error code → HTTP status for this feature's codes; merged into app.module's table. The
 * dashboard throws only VALIDATION.INVALID_INPUT (400, already in the table).
 */
export const dashboardStatusByCode: Readonly<Record<string, number>> = {};
