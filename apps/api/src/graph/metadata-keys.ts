/**
 * The metadata keys whose wire (snake_case) name differs from core's (camelCase) name. Every other
 * key, known or the client's own, has the same name on both sides and travels verbatim.
 */
export const CORE_METADATA_KEY_BY_WIRE: ReadonlyMap<string, string> = new Map([
  ['service_type', 'serviceType'],
  ['published_sla', 'publishedSla'],
]);

export const WIRE_METADATA_KEY_BY_CORE: ReadonlyMap<string, string> = new Map(
  [...CORE_METADATA_KEY_BY_WIRE].map(([wire, core]) => [core, wire]),
);

/** Renames the keys of `metadata` through `names`; keys it does not list keep their name. */
export function renameMetadataKeys(
  metadata: Readonly<Record<string, unknown>>,
  names: ReadonlyMap<string, string>,
): Record<string, unknown> {
  const renamed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(metadata)) renamed[names.get(key) ?? key] = value;
  return renamed;
}
