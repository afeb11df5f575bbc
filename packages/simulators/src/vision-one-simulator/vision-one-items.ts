/**
 * The item shapes the simulator serves, written after FACTS §B.5 (workbench alert: PYTMV1 `Alert`/`SaeAlert`/
 * `TiAlert`, Elastic `alert-sample.log`), §B.6 (OAT: PYTMV1 `OatEvent`) and §B.7 (audit: Elastic `audit-sample.log`).
 * Type aliases, not interfaces, so they are assignable to core's `JsonValue`.
 */

export type HostValue = { name: string; ips: string[]; guid: string };

export type ImpactScopeEntity = {
  entityId: string;
  entityType: 'host' | 'account' | 'emailAddress' | 'container' | 'cloudIdentity' | 'awsLambda';
  entityValue: string | HostValue;
  relatedEntities: string[];
  relatedIndicatorIds: number[];
  provenance: string[];
};

export type WorkbenchIndicator = {
  id: number;
  type: string;
  value: string | HostValue;
  relatedEntities: string[];
  provenance: string[];
  // SAE only
  field?: string;
  filterIds?: string[];
  // TI only
  fields?: string[][];
  matchedIndicatorPatternIds?: string[];
  firstSeenDateTimes?: string[];
  lastSeenDateTimes?: string[];
};

export type WorkbenchAlert = {
  id: string;
  schemaVersion: string;
  status: 'Open' | 'In Progress' | 'Closed';
  investigationStatus: string;
  investigationResult: string;
  workbenchLink: string;
  alertProvider: 'SAE' | 'TI';
  model: string;
  modelId: string;
  modelType: 'preset' | 'custom';
  score: number;
  severity: 'low' | 'medium' | 'high' | 'critical';
  createdDateTime: string;
  updatedDateTime: string;
  firstInvestigatedDateTime?: string;
  incidentId?: string;
  caseId?: string;
  ownerIds: string[];
  impactScope: {
    desktopCount: number;
    serverCount: number;
    accountCount: number;
    emailAddressCount: number;
    containerCount: number;
    cloudIdentityCount: number;
    entities: ImpactScopeEntity[];
  };
  indicators: WorkbenchIndicator[];
  // SAE only
  description?: string;
  matchedRules?: {
    id: string;
    name: string;
    matchedFilters: {
      id: string;
      name: string;
      matchedDateTime: string;
      mitreTechniqueIds: string[];
      matchedEvents: { uuid: string; matchedDateTime: string; type: string }[];
    }[];
  }[];
  // TI only
  campaign?: string;
  industry?: string;
  regionAndCountry?: string;
  createdBy?: string;
  totalIndicatorCount?: number;
  matchedIndicatorCount?: number;
  reportLink?: string;
  matchedIndicatorPatterns?: { id: string; pattern: string; tags: string[]; matchedLogs: string[] }[];
};

export type OatRiskLevel = 'undefined' | 'info' | 'low' | 'medium' | 'high' | 'critical';

export type OatDetection = {
  source: 'detections' | 'endpointActivityData' | 'networkActivityData' | 'emailActivityData';
  uuid: string;
  entityType: 'endpoint' | 'mailbox' | 'network';
  entityName: string;
  detectedDateTime: string;
  ingestedDateTime: string;
  endpoint?: { endpointName: string; agentGuid: string; ips: string[] };
  filters: {
    id: string;
    name: string;
    description: string;
    mitreTacticIds: string[];
    mitreTechniqueIds: string[];
    highlightedObjects: { type: string; field: string; value: string | number | string[] }[];
    riskLevel: OatRiskLevel;
    type: 'preset' | 'custom';
  }[];
  detail: {
    eventTime: string;
    uuid: string;
    productCode: string;
    filterRiskLevel: OatRiskLevel;
    eventId: string;
    eventSubId: string;
    endpointGuid: string;
    endpointHostName: string;
    endpointIp: string[];
    processName: string;
    processCmd: string;
    processFilePath: string;
    processFileHashSha1: string;
    objectCmd: string;
    objectFilePath: string;
    src: string;
    spt: number;
    dst: string;
    dpt: number;
    request: string;
    tags: string[];
  };
};

export type AuditLog = {
  loggedDateTime: string;
  ingestedDateTime: string;
  loggedUser: string;
  loggedRole: string;
  loggedUserId: string;
  loggedUserMailAddress: string;
  accessType: string;
  category: string;
  activity: string;
  result: 'Successful' | 'Unsuccessful';
  details: { [key: string]: string };
};
