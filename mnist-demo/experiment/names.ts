/** Run folder names from specs. */
/** A folder name for a penalty spec: `deadzone:1e-4,a=0.25` → `deadzone_1e-4_a=0.25`. */
export function runNameFor(spec: string): string {
  return spec.replace(/[:,]/g, '_');
}
