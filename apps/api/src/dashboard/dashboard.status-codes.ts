/** Domain error code → HTTP status for this feature's codes; merged into app.module's table. */
export const dashboardStatusByCode: Readonly<Record<string, number>> = {};
