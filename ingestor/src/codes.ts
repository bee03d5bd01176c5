import { vigil } from '@vigil/proto/wire';

/**
 * Codes travel as protobuf enum numbers and are stored and served as kebab-case names
 * ("CODE_CAMERA_UNREACHABLE" -> "camera-unreachable"). A number from a newer agent that this
 * build does not know is kept as "code-<n>", not dropped.
 */
function kebab(enumName: string, prefix: string): string {
  return enumName.slice(prefix.length).toLowerCase().replaceAll('_', '-');
}

const CODE_NAMES = new Map<number, string>(Object.entries(vigil.v1.Code).map(([name, value]) => [value as number, kebab(name, 'CODE_')]));
const SEVERITY_NAMES = new Map<number, string>(Object.entries(vigil.v1.Severity).map(([name, value]) => [value as number, kebab(name, 'SEVERITY_')]));

export function codeName(code: number): string {
  return CODE_NAMES.get(code) ?? `code-${code}`;
}

export function severityName(severity: number): string {
  return SEVERITY_NAMES.get(severity) ?? `severity-${severity}`;
}
