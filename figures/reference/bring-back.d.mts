/** The types of bring-back.mjs (a plain script, run by run-study.sh with node): see its comment. */
export function bringBack(drawn: string, study: string): { lines: number; files: string[] };
