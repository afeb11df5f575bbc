/**
 * The Microsoft Graph shapes the simulator serves (FACTS §D.2, §D.4): a subset of `microsoft.graph.security.alert`
 * (alerts_v2) and `microsoft.graph.security.healthIssue`, with the fields a Defender for Identity connector reads.
 */

export type GraphAlertSeverity = 'unknown' | 'informational' | 'low' | 'medium' | 'high';
export type GraphAlertStatus = 'unknown' | 'new' | 'inProgress' | 'resolved';

export interface GraphUserEvidence {
  readonly '@odata.type': '#microsoft.graph.security.userEvidence';
  readonly roles: readonly string[];
  readonly userAccount: {
    readonly accountName: string;
    readonly domainName: string;
    readonly userSid: string;
    readonly displayName: string;
    readonly userPrincipalName: string;
  };
}

export interface GraphDeviceEvidence {
  readonly '@odata.type': '#microsoft.graph.security.deviceEvidence';
  readonly roles: readonly string[];
  readonly deviceDnsName: string;
  readonly hostName: string;
  readonly ntDomain: string;
}

export interface GraphSecurityAlert {
  readonly id: string;
  readonly providerAlertId: string;
  readonly incidentId: string;
  readonly status: GraphAlertStatus;
  readonly severity: GraphAlertSeverity;
  readonly classification: string | null;
  readonly determination: string | null;
  readonly serviceSource: string;
  readonly detectionSource: string;
  readonly detectorId: string;
  readonly tenantId: string;
  readonly title: string;
  readonly description: string;
  readonly recommendedActions: string;
  readonly category: string;
  readonly assignedTo: string | null;
  readonly alertWebUrl: string;
  readonly incidentWebUrl: string;
  readonly actorDisplayName: string | null;
  readonly threatDisplayName: string | null;
  readonly threatFamilyName: string | null;
  readonly mitreTechniques: readonly string[];
  readonly createdDateTime: string;
  readonly lastUpdateDateTime: string;
  readonly resolvedDateTime: string | null;
  readonly firstActivityDateTime: string;
  readonly lastActivityDateTime: string;
  readonly comments: readonly unknown[];
  readonly evidence: ReadonlyArray<GraphUserEvidence | GraphDeviceEvidence>;
  readonly systemTags: readonly string[];
}

export type HealthIssueSeverity = 'low' | 'medium' | 'high';
export type HealthIssueStatus = 'open' | 'closed' | 'suppressed';

export interface GraphHealthIssue {
  readonly id: string;
  readonly displayName: string;
  readonly description: string;
  readonly healthIssueType: 'sensor' | 'global';
  readonly issueTypeId: string;
  readonly severity: HealthIssueSeverity;
  readonly status: HealthIssueStatus;
  readonly createdDateTime: string;
  readonly lastModifiedDateTime: string;
  readonly domainNames: readonly string[];
  readonly sensorDNSNames: readonly string[];
  readonly additionalInformation: readonly string[];
  readonly recommendations: readonly string[];
  readonly recommendedActionCommands: readonly string[];
}
