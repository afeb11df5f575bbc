import { HOSTILE_STRING_NAMES, HOSTILE_STRINGS, type HostileStringName } from './hostile-strings.js';
import type { SeededRandom } from './seeded-random.js';
import type { AuditLog, ImpactScopeEntity, OatDetection, OatRiskLevel, WorkbenchAlert, WorkbenchIndicator } from './vision-one-items.js';

/** ISO-8601 UTC without milliseconds, the form the API uses (FACTS §B.5). */
export const isoSeconds = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const SAE_MODELS = [
  'Possible Credential Dumping via Mimikatz',
  'Suspicious PowerShell Execution',
  'Possible APT Attack',
  'Ransomware Behavior Detection',
  'Lateral Movement via PsExec',
  'Phishing Email with Malicious Attachment',
] as const;

const SAE_DESCRIPTIONS = [
  'A user obtained account logon information that can be used to access remote systems via Mimikatz.',
  'PowerShell ran an encoded command that downloaded and executed a remote script.',
  'Suspicious email followed by a possible backdoor implantation.',
  'Many files were renamed with an unknown extension in a short time.',
  'A service was created remotely on several hosts with PsExec.',
  'An email attachment started a process that contacted a known C&C server.',
] as const;

const TI_CAMPAIGNS = ['Soula', 'Earth Lusca', 'Water Hydra', 'Void Arachne'] as const;

const SEVERITIES: readonly WorkbenchAlert['severity'][] = ['low', 'medium', 'medium', 'high', 'high', 'critical'];
const SCORE_RANGE = { low: [5, 29], medium: [30, 59], high: [60, 79], critical: [80, 99] } as const;

const USERS = ['alice', 'bob', 'carol', 'dave', 'svc-backup'] as const;
const HOSTS = ['desktop-0142', 'laptop-fin-07', 'srv-dc01', 'srv-sql02', 'kiosk-lobby'] as const;

const OAT_FILTERS = [
  { name: 'Connection to Commonly Used Ports', tactic: 'TA0011', technique: 'T1071', app: 'HTTP' },
  { name: 'Possible Credential Dumping via Registry', tactic: 'TA0006', technique: 'T1003.002', app: 'TCP' },
  { name: 'Encoded PowerShell Command Execution', tactic: 'TA0002', technique: 'T1059.001', app: 'TCP' },
  { name: 'Kerberoasting Attempt', tactic: 'TA0006', technique: 'T1558.003', app: 'KERBEROS' },
] as const;

const OAT_RISK_LEVELS: readonly OatRiskLevel[] = ['info', 'low', 'medium', 'medium', 'high', 'critical'];

const AUDIT_ENTRIES = [
  { category: 'Sign in and sign out', activity: 'Sign in' },
  { category: 'Sign in and sign out', activity: 'Sign out' },
  { category: 'Account Management', activity: 'Add user account' },
  { category: 'Reports', activity: 'Generate report' },
  { category: 'Product Connector', activity: 'Unregister product' },
  { category: 'API Keys', activity: 'Add API key' },
] as const;

const ACCESS_TYPES = ['Console', 'API', 'Service Gateway'] as const;

/** Generates realistic items; a `hostile` name puts that hostile string into the free-text fields of the item. */
export class VisionOneItemGenerator {
  readonly #random: SeededRandom;
  readonly #hostileRatio: number;
  #workbenchSeq = 0;

  constructor(random: SeededRandom, hostileRatio: number) {
    this.#random = random;
    this.#hostileRatio = hostileRatio;
  }

  /** Which hostile string (if any) the next item carries: drawn from the seeded sequence. */
  #hostile(): HostileStringName | undefined {
    return this.#random.chance(this.#hostileRatio) ? this.#random.pick(HOSTILE_STRING_NAMES) : undefined;
  }

  workbenchAlert(createdMs: number): WorkbenchAlert {
    const r = this.#random;
    this.#workbenchSeq += 1;
    const hostile = this.#hostile();
    const text = (normal: string): string => (hostile === undefined ? normal : `${normal} ${HOSTILE_STRINGS[hostile]}`);
    const created = isoSeconds(createdMs);
    const id = `WB-9002-${created.slice(0, 10).replaceAll('-', '')}-${String(this.#workbenchSeq).padStart(5, '0')}`;
    const severity = r.pick(SEVERITIES);
    const [minScore, maxScore] = SCORE_RANGE[severity];
    const provider: WorkbenchAlert['alertProvider'] = r.chance(0.75) ? 'SAE' : 'TI';
    const user = r.pick(USERS);
    const hostName = text(r.pick(HOSTS));
    const hostGuid = r.uuid().toUpperCase();
    const accountName = `CORP\\${user}`;
    const entities: ImpactScopeEntity[] = [
      {
        entityId: hostGuid,
        entityType: 'host',
        entityValue: { name: hostName, ips: [r.ipv4()], guid: hostGuid },
        relatedEntities: [accountName],
        relatedIndicatorIds: [1, 2],
        provenance: ['Alert'],
      },
      {
        entityId: accountName,
        entityType: 'account',
        entityValue: accountName,
        relatedEntities: [hostGuid],
        relatedIndicatorIds: [],
        provenance: ['Alert'],
      },
    ];
    const desktopCount = r.int(1, 4);
    const serverCount = r.int(0, 2);
    const accountCount = r.int(1, 3);
    const emailAddressCount = r.int(0, 2);
    const filterId = r.uuid();
    const patternId = r.uuid();
    const indicators: WorkbenchIndicator[] = [
      provider === 'SAE'
        ? {
            id: 1,
            type: 'command_line',
            field: 'processCmd',
            value: text(`powershell.exe -nop -w hidden -enc ${r.hex(24)}`),
            relatedEntities: [hostGuid],
            filterIds: [filterId],
            provenance: ['Alert'],
          }
        : {
            id: 1,
            type: 'url',
            fields: [['objectField-url']],
            value: `http://www.${r.hex(8)}.example/ds${r.int(1000, 9999)}.zip`,
            relatedEntities: [hostGuid],
            matchedIndicatorPatternIds: [patternId],
            firstSeenDateTimes: [created],
            lastSeenDateTimes: [created],
            provenance: ['Alert'],
          },
      {
        id: 2,
        type: 'fullpath',
        value: text(`C:\\Users\\${user}\\AppData\\Local\\Temp\\${r.hex(6)}.exe`),
        relatedEntities: [hostGuid],
        provenance: ['Alert'],
        ...(provider === 'SAE' ? { field: 'objectFilePath', filterIds: [filterId] } : {}),
      },
    ];
    const model = provider === 'SAE' ? r.pick(SAE_MODELS) : `Threat Intelligence Sweeping: ${r.pick(TI_CAMPAIGNS)} campaign`;
    const alert: WorkbenchAlert = {
      id,
      schemaVersion: '1.12',
      status: 'Open',
      investigationStatus: 'New',
      investigationResult: 'No Findings',
      workbenchLink: `https://portal.xdr.trendmicro.com/index.html#/workbench?workbenchId=${id}&ref=${r.hex(32)}`,
      alertProvider: provider,
      model: text(model),
      modelId: r.uuid(),
      modelType: 'preset',
      score: r.int(minScore, maxScore),
      severity,
      createdDateTime: created,
      updatedDateTime: created,
      ownerIds: [],
      impactScope: {
        desktopCount,
        serverCount,
        accountCount,
        emailAddressCount,
        containerCount: 0,
        cloudIdentityCount: 0,
        entities,
      },
      indicators,
    };
    if (provider === 'SAE') {
      alert.description = text(r.pick(SAE_DESCRIPTIONS));
      alert.matchedRules = [
        {
          id: r.uuid(),
          name: `Potential ${model}`,
          matchedFilters: [
            {
              id: filterId,
              name: model,
              matchedDateTime: created,
              mitreTechniqueIds: ['V9.T1003.001', 'V9.T1059.001'],
              matchedEvents: [{ uuid: r.uuid(), matchedDateTime: created, type: 'TELEMETRY_PROCESS' }],
            },
          ],
        },
      ];
    } else {
      const campaign = r.pick(TI_CAMPAIGNS);
      alert.campaign = campaign;
      alert.industry = 'Finance';
      alert.regionAndCountry = 'eastern-asia/Korea (the Republic of)';
      alert.createdBy = 'Trend Micro Research';
      alert.totalIndicatorCount = r.int(2, 9);
      alert.matchedIndicatorCount = 1;
      alert.reportLink = `https://www.trendmicro.com/research/${campaign.toLowerCase().replaceAll(' ', '-')}`;
      alert.matchedIndicatorPatterns = [
        {
          id: patternId,
          pattern: "[network-traffic:dst_ref.type = 'domain-name' AND network-traffic:dst_ref.value = 'oauth20.example']",
          tags: ['STIX2.malicious-activity'],
          matchedLogs: [text('Lengthy log string')],
        },
      ];
    }
    return alert;
  }

  oatDetection(detectedMs: number, ingestedMs: number): OatDetection {
    const r = this.#random;
    const hostile = this.#hostile();
    const text = (normal: string): string => (hostile === undefined ? normal : `${normal} ${HOSTILE_STRINGS[hostile]}`);
    const filter = r.pick(OAT_FILTERS);
    const riskLevel = r.pick(OAT_RISK_LEVELS);
    const host = r.pick(HOSTS);
    const agentGuid = r.uuid();
    const ip = r.ipv4();
    const uuid = r.uuid();
    return {
      source: 'detections',
      uuid,
      entityType: 'endpoint',
      entityName: `${host}(${ip})`,
      detectedDateTime: isoSeconds(detectedMs),
      ingestedDateTime: isoSeconds(ingestedMs),
      endpoint: { endpointName: host, agentGuid, ips: [ip] },
      filters: [
        {
          id: `F${r.int(1000, 9999)}`,
          name: filter.name,
          description: text(`${filter.name} was observed on the endpoint.`),
          mitreTacticIds: [filter.tactic],
          mitreTechniqueIds: [filter.technique],
          highlightedObjects: [
            { type: 'command_line', field: 'processCmd', value: text(`cmd.exe /c whoami /all`) },
            { type: 'port', field: 'dpt', value: 443 },
          ],
          riskLevel,
          type: 'preset',
        },
      ],
      detail: {
        eventTime: String(Math.floor(detectedMs / 1000) * 1000),
        uuid,
        productCode: 'sao',
        filterRiskLevel: riskLevel,
        eventId: String(r.int(1, 10)),
        eventSubId: String(r.int(1, 200)),
        endpointGuid: agentGuid,
        endpointHostName: host,
        endpointIp: [ip],
        processName: 'C:\\Windows\\System32\\cmd.exe',
        processCmd: text('cmd.exe /c whoami /all'),
        processFilePath: 'C:\\Windows\\System32\\cmd.exe',
        processFileHashSha1: r.hex(40).toUpperCase(),
        objectCmd: text('whoami /all'),
        objectFilePath: 'C:\\Windows\\System32\\whoami.exe',
        src: ip,
        spt: r.int(49152, 65535),
        dst: r.ipv4(),
        dpt: 443,
        request: text(`https://${r.hex(8)}.example/path?a=1&b=2`),
        tags: [`XSAE.F${r.int(1000, 9999)}`, `MITREV9.${filter.technique}`],
      },
    };
  }

  /** `ingestDelayMs`: ingestedDateTime − loggedDateTime; default a seeded 1–30 s (drawn either way, so the sequence stays). */
  auditLog(loggedMs: number, ingestDelayMs?: number): AuditLog {
    const r = this.#random;
    const hostile = this.#hostile();
    const text = (normal: string): string => (hostile === undefined ? normal : `${normal} ${HOSTILE_STRINGS[hostile]}`);
    const entry = r.pick(AUDIT_ENTRIES);
    const user = r.pick(USERS);
    // Drawn here, where the literal below used to draw it, so a seed gives the same logs as before.
    const seededDelayMs = r.int(1, 30) * 1000;
    return {
      loggedDateTime: isoSeconds(loggedMs),
      ingestedDateTime: isoSeconds(loggedMs + (ingestDelayMs ?? seededDelayMs)),
      loggedUser: text(user),
      loggedRole: r.pick(['Master Administrator', 'Senior Analyst', 'Operator']),
      loggedUserId: r.uuid(),
      loggedUserMailAddress: `${user}@example.com`,
      accessType: r.pick(ACCESS_TYPES),
      category: entry.category,
      activity: entry.activity,
      result: r.chance(0.85) ? 'Successful' : 'Unsuccessful',
      details: { 'IP address': r.ipv4(), Note: text('details') },
    };
  }
}
