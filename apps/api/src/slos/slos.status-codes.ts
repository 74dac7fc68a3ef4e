/** Domain error code → HTTP status for this feature's codes; merged into app.module's table. */
export const slosStatusByCode: Readonly<Record<string, number>> = {};
