/**
 * MDI's permanent alert-type IDs (FACTS §C.3, the "externalId" table of the SIEM log reference and the alerts
 * overview) with the alert names, current and legacy, the PascalCase type name MDI writes as the CEF signature id,
 * and the `app` (protocol) MDI writes for the type.
 *
 * - `type` is the name a sample of MDI's SIEM log reference (MicrosoftDocs/defender-docs `ATPDocs/cef-format-sa.md`)
 *   shows, checked sample by sample; undefined where no sample shows one (the signature id is then derived from the
 *   name, see `mdiAlertType`). 2012's sample is a copy of 2034's line (same externalId, message and type), so it
 *   names no type of its own: 2012 keeps a derived name.
 * - `names` also holds the names the samples print in the CEF Name field (`SuspectedWannaCryRansomwareAttack`, …),
 *   so an alert titled that way finds its type.
 * - `app` is set only where the detection is bound to one protocol or event source, so every instance carries the
 *   value MDI's sample shows (LDAP simple-bind brute force: `Ldap`). Where the protocol varies from one alert to
 *   the next (account enumeration: Kerberos or NTLM; brute force; honeytoken; the "unusual protocol
 *   implementation" family, whose samples are one copied line) it is undefined: Graph's alert carries no protocol
 *   (README, "What Graph lacks"), and guessing would send a wrong value. 2029's sample writes
 *   `**app=Replication Activity**` (markdown inside the code span), too unreliable to copy.
 */
export interface MdiAlertTypeEntry {
  readonly externalId: string;
  readonly type: string | undefined;
  readonly names: readonly string[];
  readonly app: string | undefined;
}

export const MDI_ALERT_TYPES: readonly MdiAlertTypeEntry[] = [
  { externalId: '2001', type: undefined, names: ['Suspicion of identity theft based on abnormal behavior'], app: undefined },
  { externalId: '2002', type: 'AbnormalProtocolSecurityAlert', names: ['Suspected overpass-the-hash attack (Kerberos)', 'Unusual protocol implementation', 'SuspectedOverPassTheHashAttack'], app: undefined },
  { externalId: '2003', type: 'AccountEnumerationSecurityAlert', names: ['Account enumeration reconnaissance', 'Reconnaissance using account enumeration'], app: undefined },
  { externalId: '2004', type: 'LdapBruteForceSecurityAlert', names: ['Suspected Brute Force attack (LDAP)', 'Brute force attack using LDAP simple bind'], app: 'Ldap' },
  { externalId: '2006', type: 'DirectoryServicesReplicationSecurityAlert', names: ['Suspected DCSync attack (replication of directory services)', 'Malicious replication of directory services'], app: 'Drsr' },
  { externalId: '2007', type: 'DnsReconnaissanceSecurityAlert', names: ['Network-mapping reconnaissance (DNS)', 'Reconnaissance using DNS'], app: 'Dns' },
  { externalId: '2008', type: 'EncryptionDowngradeSecurityAlert', names: ['Suspected Over-Pass-the-Hash attack (encryption downgrade)', 'Suspected Over-Pass-the-Hash (encryption downgrade)'], app: 'Kerberos' },
  { externalId: '2009', type: 'GoldenTicketEncryptionDowngradeSecurityAlert', names: ['Suspected Golden Ticket usage (encryption downgrade)', 'Encryption downgrade activity (potential golden ticket attack)'], app: 'Kerberos' },
  { externalId: '2010', type: 'EncryptionDowngradeSecurityAlert', names: ['Suspected Skeleton Key attack (encryption downgrade)'], app: 'Kerberos' },
  { externalId: '2011', type: 'EncryptionDowngradeSecurityAlert', names: ['Encryption downgrade activity'], app: undefined },
  { externalId: '2012', type: undefined, names: ['User and IP address reconnaissance (SMB)', 'Reconnaissance using SMB Session Enumeration', 'ReconnaissanceusingSMBSessionEnumeration'], app: undefined },
  { externalId: '2013', type: 'ForgedPacSecurityAlert', names: ['Suspected Golden Ticket usage (forged authorization data)', 'Privilege escalation using forged authorization data'], app: 'Kerberos' },
  { externalId: '2014', type: 'HoneytokenActivitySecurityAlert', names: ['Honeytoken activity'], app: undefined },
  { externalId: '2016', type: undefined, names: ['Massive object deletion'], app: undefined },
  { externalId: '2017', type: 'PassTheHashSecurityAlert', names: ['Suspected identity theft (pass-the-hash)', 'Identity theft using Pass-the-Hash attack'], app: undefined },
  { externalId: '2018', type: 'PassTheTicketSecurityAlert', names: ['Suspected identity theft (pass-the-ticket)', 'Identity theft using Pass-the-Ticket attack'], app: 'Kerberos' },
  { externalId: '2019', type: 'RemoteExecutionSecurityAlert', names: ['Remote code execution attempt'], app: undefined },
  { externalId: '2020', type: 'RetrieveDataProtectionBackupKeySecurityAlert', names: ['Malicious request of Data Protection API master key', 'Malicious Data Protection Private Information Request'], app: 'LsaRpc' },
  { externalId: '2021', type: 'SamrReconnaissanceSecurityAlert', names: ['User and Group membership reconnaissance (SAMR)', 'Reconnaissance using directory services enumeration'], app: 'Samr' },
  { externalId: '2022', type: 'GoldenTicketSecurityAlert', names: ['Suspected Golden Ticket usage (time anomaly)', 'Kerberos Golden Ticket activity'], app: 'Kerberos' },
  { externalId: '2023', type: 'BruteForceSecurityAlert', names: ['Suspected Brute Force attack (Kerberos, NTLM)', 'Suspicious authentication failures'], app: undefined },
  { externalId: '2024', type: 'AbnormalSensitiveGroupMembershipChangeSecurityAlert', names: ['Suspicious additions to sensitive groups', 'Suspicious modification of sensitive groups'], app: 'GroupMembershipChangeEvent' },
  { externalId: '2025', type: 'AbnormalVpnSecurityAlert', names: ['Suspicious VPN connection'], app: 'VpnConnection' },
  { externalId: '2026', type: 'MaliciousServiceCreationSecurityAlert', names: ['Suspicious service creation'], app: 'ServiceInstalledEvent' },
  { externalId: '2027', type: 'ForgedPrincipalSecurityAlert', names: ['Suspected Golden Ticket usage (nonexistent account)', 'Kerberos Golden Ticket - non-existing account'], app: 'Kerberos' },
  { externalId: '2028', type: 'DirectoryServicesRoguePromotionSecurityAlert', names: ['Suspected DCShadow attack (domain controller promotion)', 'Suspected DCShadow (DC promotion)', 'Suspicious domain controller promotion (potential DCShadow attack)'], app: 'Ldap' },
  { externalId: '2029', type: 'DirectoryServicesRogueReplicationSecurityAlert', names: ['Suspected DCShadow attack (domain controller replication request)', 'Suspected DCShadow (replication request)', 'Suspicious replication request (potential DCShadow attack)'], app: undefined },
  { externalId: '2030', type: 'SmbDataExfiltrationSecurityAlert', names: ['Data exfiltration over SMB'], app: 'Smb' },
  { externalId: '2031', type: 'DnsSuspiciousCommunicationSecurityAlert', names: ['Suspicious communication over DNS'], app: 'DnsEvent' },
  { externalId: '2032', type: 'GoldenTicketSizeAnomalySecurityAlert', names: ['Suspected Golden Ticket usage (ticket anomaly)'], app: 'Kerberos' },
  { externalId: '2033', type: 'AbnormalProtocolSecurityAlert', names: ['Suspected Brute Force attack (SMB)', 'SuspectedBrutForceAttack'], app: undefined },
  { externalId: '2034', type: 'AbnormalProtocolSecurityAlert', names: ['Suspected use of Metasploit hacking framework', 'Suspected use of Metasploit', 'SuspectedAttackUsingMetasploit'], app: undefined },
  { externalId: '2035', type: 'AbnormalProtocolSecurityAlert', names: ['Suspected WannaCry ransomware attack', 'Suspected WannaCry', 'SuspectedWannaCryRansomwareAttack'], app: undefined },
  { externalId: '2036', type: 'DnsRemoteCodeExecutionSecurityAlert', names: ['Remote code execution over DNS'], app: 'Dns' },
  { externalId: '2037', type: undefined, names: ['Suspected NTLM relay attack (Exchange account)', 'Suspected NTLM relay attack'], app: undefined },
  { externalId: '2038', type: 'LdapSearchReconnaissanceSecurityAlert', names: ['Security principal reconnaissance (LDAP)', 'Reconnaissance using LDAP Queries'], app: 'LdapSearch' },
  { externalId: '2039', type: 'AbnormalNtlmSigningSecurityAlert', names: ['Suspected NTLM authentication tampering'], app: 'Ntlm' },
  { externalId: '2040', type: undefined, names: ['Suspected Golden Ticket usage (ticket anomaly using RBCD)', 'Golden Ticket (ticket anomaly using RBCD)'], app: undefined },
  { externalId: '2047', type: undefined, names: ['Suspected rogue Kerberos certificate usage'], app: undefined },
  { externalId: '2210', type: undefined, names: ['Active Directory attributes reconnaissance (LDAP)'], app: undefined },
  { externalId: '2406', type: undefined, names: ['Suspected SMB packet manipulation (CVE-2020-0796 exploitation)', 'SMB packet manipulation (CVE-2020-0796)'], app: undefined },
  { externalId: '2410', type: undefined, names: ['Suspected Kerberos SPN exposure'], app: undefined },
  { externalId: '2411', type: undefined, names: ['Suspected Netlogon privilege elevation attempt (CVE-2020-1472 exploitation)', 'Netlogon privilege elevation (CVE-2020-1472)'], app: undefined },
  { externalId: '2412', type: undefined, names: ['Suspected AS-REP Roasting attack', 'Suspected AS-REP Roasting'], app: undefined },
  { externalId: '2414', type: undefined, names: ['Suspected Exchange Server Remote Code Execution (CVE-2021-26855)', 'Exchange Server RCE (CVE-2021-26855)'], app: undefined },
  { externalId: '2415', type: undefined, names: ['Suspected exploitation attempt on Windows Print Spooler service', 'Print Spooler exploitation'], app: undefined },
  { externalId: '2416', type: undefined, names: ['Suspicious network connection over Encrypting File System Remote Protocol', 'Suspicious network connection over EFS-RPC'], app: undefined },
  { externalId: '2429', type: undefined, names: ['Honeytoken was queried via LDAP'], app: undefined },
  { externalId: '2437', type: undefined, names: ['Account Enumeration reconnaissance (LDAP)'], app: undefined },
];

const normalize = (name: string): string => name.trim().replace(/^\[preview\]\s*/i, '').replace(/\s+/g, ' ').toLowerCase();

const BY_NAME = new Map<string, MdiAlertTypeEntry>();
for (const entry of MDI_ALERT_TYPES) for (const name of entry.names) BY_NAME.set(normalize(name), entry);
const BY_ID = new Map(MDI_ALERT_TYPES.map((entry) => [entry.externalId, entry]));

/** `Suspected DCSync attack (replication …)` → `SuspectedDcsyncAttackReplication…SecurityAlert`: letters and digits only. */
export const derivedTypeName = (name: string, suffix: string): string =>
  name
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((word) => word !== '')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase())
    .join('') + suffix;

export interface MdiAlertType {
  /** The CEF signature id. */
  readonly signatureId: string;
  /** The CEF externalId, or undefined when there is nothing permanent to send. */
  readonly externalId: string | undefined;
  /** MDI's `app` for the type (see `MdiAlertTypeEntry.app`), or undefined. */
  readonly app: string | undefined;
  /** Whether the type is in MDI's table. */
  readonly known: boolean;
}

/**
 * The alert type of a Graph alert: looked up by its title among the table's names (current and legacy), or by a
 * `detectorId` that is itself one of the table's IDs (FACTS §D.2: whether detectorId carries the externalId is
 * [UNCONFIRMED], so both are tried). A type the table lacks is sent with signature id = the title in PascalCase +
 * `SecurityAlert`, and externalId = Graph's `detectorId` (permanent per detection logic, as externalId is meant to
 * be), when it is at most 40 characters (CEF's externalId limit, FACTS §E.7).
 */
export const mdiAlertType = (title: string | undefined, detectorId: string | undefined): MdiAlertType => {
  const entry = (title === undefined ? undefined : BY_NAME.get(normalize(title))) ?? (detectorId === undefined ? undefined : BY_ID.get(detectorId));
  if (entry !== undefined) {
    return {
      signatureId: entry.type ?? derivedTypeName(entry.names[0] ?? 'Unknown', 'SecurityAlert'),
      externalId: entry.externalId,
      app: entry.app,
      known: true,
    };
  }
  return {
    signatureId: derivedTypeName(title ?? 'Unknown', 'SecurityAlert'),
    externalId: detectorId !== undefined && detectorId !== '' && detectorId.length <= 40 ? detectorId : undefined,
    app: undefined,
    known: false,
  };
};
