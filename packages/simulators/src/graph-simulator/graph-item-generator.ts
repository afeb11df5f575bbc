import { HOSTILE_STRING_NAMES, HOSTILE_STRINGS } from '../vision-one-simulator/hostile-strings.js';
import type { SeededRandom } from '../vision-one-simulator/seeded-random.js';
import type { GraphAlertSeverity, GraphDeviceEvidence, GraphHealthIssue, GraphSecurityAlert, GraphUserEvidence } from './graph-items.js';

/**
 * MDI alert kinds as the alerts overview lists them (FACTS §C.3), with the protocol and severity they usually
 * carry. The last one is deliberately absent from the externalId table: a newer alert a connector must still
 * forward (FACTS §C.3, "the newest MDI alerts … have no external ID in the table").
 */
const ALERT_KINDS = [
  { title: 'Account enumeration reconnaissance', category: 'Discovery', technique: 'T1087', severity: 'medium' },
  { title: 'Suspected Brute Force attack (LDAP)', category: 'CredentialAccess', technique: 'T1110', severity: 'medium' },
  { title: 'Suspected DCSync attack (replication of directory services)', category: 'CredentialAccess', technique: 'T1003.006', severity: 'high' },
  { title: 'Suspected identity theft (pass-the-ticket)', category: 'LateralMovement', technique: 'T1550.003', severity: 'high' },
  { title: 'Honeytoken activity', category: 'CredentialAccess', technique: 'T1078', severity: 'medium' },
  { title: 'Suspicious service creation', category: 'Execution', technique: 'T1543.003', severity: 'medium' },
  { title: 'Network-mapping reconnaissance (DNS)', category: 'Discovery', technique: 'T1046', severity: 'low' },
  { title: 'Suspicious Okta account enumeration', category: 'Discovery', technique: 'T1087.004', severity: 'low' },
] as const satisfies ReadonlyArray<{ title: string; category: string; technique: string; severity: GraphAlertSeverity }>;

/** MDI health issues (FACTS §C.4, MDI-DOCS `health-alerts.md`). */
const HEALTH_KINDS = [
  { displayName: 'Sensor stopped communicating', issueTypeId: '1031', severity: 'medium', type: 'sensor' },
  { displayName: 'Sensor service failed to start', issueTypeId: '1014', severity: 'high', type: 'sensor' },
  { displayName: 'Read-only user password expired', issueTypeId: '1004', severity: 'high', type: 'global' },
  { displayName: 'Directory Services Advanced Auditing is not enabled as required', issueTypeId: '1025', severity: 'medium', type: 'global' },
  { displayName: 'Low sensor disk space', issueTypeId: '1012', severity: 'low', type: 'sensor' },
] as const;

const USERS = [
  { account: 'lmaldonado', display: 'Lamon Maldonado' },
  { account: 'wthurston', display: 'Wofford Thurston' },
  { account: 'svc-sql', display: 'SQL service' },
  { account: 'honey', display: 'Honey Token' },
] as const;
const HOSTS = ['CLIENT1', 'CLIENT2', 'W10-000007-LAP', 'SRV-FILE01'] as const;
const DOMAIN = 'contoso.com';
const TENANT = '4b2462a4-bbee-495a-a0e1-f23ae524cc9c';

/** Graph times carry 7 fraction digits (FACTS §C.2 shows them in `start`); the simulator writes them the same way. */
export const graphTime = (ms: number): string => new Date(ms).toISOString().replace(/Z$/, '0000Z');

/** Generates realistic Defender for Identity alerts and health issues; some carry hostile free text. */
export class GraphItemGenerator {
  readonly #random: SeededRandom;
  readonly #hostileRatio: number;

  constructor(random: SeededRandom, hostileRatio: number) {
    this.#random = random;
    this.#hostileRatio = hostileRatio;
  }

  alert(at: number): GraphSecurityAlert {
    const r = this.#random;
    const kind = r.pick(ALERT_KINDS);
    const user = r.pick(USERS);
    const host = r.pick(HOSTS);
    const id = `aa${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}_1`;
    const hostile = r.chance(this.#hostileRatio) ? HOSTILE_STRINGS[r.pick(HOSTILE_STRING_NAMES)] : undefined;
    const description = `${user.display} (${user.account}) on ${host} triggered "${kind.title}" against DC1.${hostile === undefined ? '' : ` ${hostile}`}`;
    const userEvidence: GraphUserEvidence = {
      '@odata.type': '#microsoft.graph.security.userEvidence',
      roles: ['compromised'],
      userAccount: {
        accountName: user.account,
        domainName: 'CONTOSO',
        userSid: `S-1-5-21-1004336348-1177238915-682003330-${r.int(1000, 9999)}`,
        displayName: user.display,
        userPrincipalName: `${user.account}@${DOMAIN}`,
      },
    };
    const deviceEvidence: GraphDeviceEvidence = {
      '@odata.type': '#microsoft.graph.security.deviceEvidence',
      roles: ['attacker'],
      deviceDnsName: `${host.toLowerCase()}.${DOMAIN}`,
      hostName: host,
      ntDomain: 'CONTOSO',
    };
    const time = graphTime(at);
    return {
      id,
      providerAlertId: id,
      incidentId: String(r.int(1000, 99999)),
      status: 'new',
      severity: kind.severity,
      classification: null,
      determination: null,
      serviceSource: 'microsoftDefenderForIdentity',
      detectionSource: 'microsoftDefenderForIdentity',
      detectorId: r.uuid(),
      tenantId: TENANT,
      title: kind.title,
      description,
      recommendedActions: '1. Contain the source computer.\n2. Reset the passwords of the involved accounts.',
      category: kind.category,
      assignedTo: null,
      alertWebUrl: `https://security.microsoft.com/alerts/${id}?tid=${TENANT}`,
      incidentWebUrl: `https://security.microsoft.com/incidents/${r.int(1000, 99999)}?tid=${TENANT}`,
      actorDisplayName: null,
      threatDisplayName: null,
      threatFamilyName: null,
      mitreTechniques: [kind.technique],
      createdDateTime: time,
      lastUpdateDateTime: time,
      resolvedDateTime: null,
      firstActivityDateTime: graphTime(at - r.int(30, 600) * 1000),
      lastActivityDateTime: graphTime(at - r.int(1, 29) * 1000),
      comments: [],
      evidence: [userEvidence, deviceEvidence],
      systemTags: [],
    };
  }

  healthIssue(at: number): GraphHealthIssue {
    const r = this.#random;
    const kind = r.pick(HEALTH_KINDS);
    const sensor = `dc${r.int(1, 9)}.${DOMAIN}`;
    const time = graphTime(at);
    return {
      id: `${r.hex(8)}-${r.hex(4)}-${r.hex(4)}-${r.hex(4)}-${r.hex(12)}`,
      displayName: kind.displayName,
      description: kind.type === 'sensor' ? `${kind.displayName} on sensor ${sensor}.` : `${kind.displayName}.`,
      healthIssueType: kind.type,
      issueTypeId: kind.issueTypeId,
      severity: kind.severity,
      status: 'open',
      createdDateTime: time,
      lastModifiedDateTime: time,
      domainNames: [DOMAIN],
      sensorDNSNames: kind.type === 'sensor' ? [sensor] : [],
      additionalInformation: [],
      recommendations: ['Check the sensor\'s connectivity to the Defender for Identity cloud service.'],
      recommendedActionCommands: [],
    };
  }
}
