/**
 * Maximum lengths, in characters (code points), from the CEF standard's header description and extension
 * dictionary ("Implementing ArcSight CEF", FACTS §E.7). Keys without a length there (numbers, addresses,
 * timestamps, vendor-custom keys) are not cut.
 */

/** CEF §"Header": Device Vendor 63, Device Product 63, Device Version 31, Device Event Class ID 1023, Name 512. */
export const CEF_HEADER_LIMITS = {
  vendor: 63,
  product: 63,
  version: 31,
  signatureId: 1023,
  name: 512,
} as const satisfies Readonly<Record<string, number>>;

const withLength = (length: number, keys: readonly string[]): ReadonlyArray<readonly [string, number]> =>
  keys.map((key) => [key, length] as const);

/** CEF extension dictionary: String keys and their lengths (FACTS §E.7 table). */
export const CEF_EXTENSION_LIMITS: ReadonlyMap<string, number> = new Map([
  ...withLength(31, ['app', 'proto']),
  ...withLength(40, ['externalId']),
  ...withLength(63, ['act', 'outcome']),
  ...withLength(100, ['dvchost']),
  ...withLength(128, ['flexString1Label', 'flexString2Label']),
  ...withLength(255, ['deviceExternalId', 'fileHash']),
  ...withLength(1023, [
    'cat',
    'msg',
    'reason',
    'request',
    'requestMethod',
    'dhost',
    'shost',
    'duser',
    'suser',
    'duid',
    'suid',
    'deviceFacility',
    'deviceProcessName',
    'fname',
    'filePath',
    'sourceServiceName',
    'flexString1',
    'flexString2',
    'cs1Label',
    'cs2Label',
    'cs3Label',
    'cs4Label',
    'cs5Label',
    'cs6Label',
    'cn1Label',
    'cn2Label',
    'cn3Label',
    'deviceCustomDate1Label',
    'deviceCustomDate2Label',
  ]),
  ...withLength(4000, ['cs1', 'cs2', 'cs3', 'cs4', 'cs5', 'cs6']),
]);
