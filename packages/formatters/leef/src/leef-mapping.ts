/**
 * Which CEF extension keys become which predefined LEEF event attributes (IBM, "Predefined LEEF event attributes",
 * https://www.ibm.com/docs/en/dsm?topic=overview-predefined-leef-event-attributes), each by the meaning both
 * dictionaries give the field ("Implementing ArcSight CEF", FACTS §E.7). A key not listed here is written under its
 * CEF name as a custom LEEF key (IBM, "Custom event keys": LEEF is extensible). A mapping applies only when the
 * record does not already carry the LEEF key itself, so no attribute is written twice.
 */
export const CEF_TO_LEEF_KEYS: ReadonlyMap<string, string> = new Map([
  // Same name and meaning in both.
  ['cat', 'cat'],
  ['src', 'src'],
  ['dst', 'dst'],
  ['proto', 'proto'],
  // Renamed.
  ['spt', 'srcPort'],
  ['dpt', 'dstPort'],
  ['smac', 'srcMAC'],
  ['dmac', 'dstMAC'],
  ['sourceTranslatedAddress', 'srcPostNAT'],
  ['destinationTranslatedAddress', 'dstPostNAT'],
  ['sourceTranslatedPort', 'srcPostNATPort'],
  ['destinationTranslatedPort', 'dstPostNATPort'],
  ['suser', 'usrName'],
  ['request', 'url'],
]);

/** CEF time keys whose first `CefTimestamp` becomes LEEF `devTime`: the event's own time as the vendor gives it. */
export const DEV_TIME_SOURCE_KEYS: readonly string[] = ['rt', 'start'];

/** The LEEF pattern devTime is written in (IBM, "Custom event date format", a suggested pattern), always UTC. */
export const DEV_TIME_FORMAT = 'MMM dd yyyy HH:mm:ss.SSS z';

/** The custom key the CEF header's Name is written under (LEEF's header has no name field). */
export const NAME_KEY = 'name';
