/** An IP address family, as BIRD 1.6 splits them: `bird` for 4, `bird6` for 6. */
export type IpFamily = 4 | 6;
