import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import * as engine from './engine.js';
import * as api from './index.js';

/**
 * The two faces of core. The main entry is the plugin API, and nothing else: a new export here is a promise to
 * every plugin ever built, so it is added on purpose (update this list) and never by a stray `export *`.
 */
const PLUGIN_API = [
  'ApiHostGate', 'CEF_TIMESTAMP_KEYS', 'CEF_TIME_FORMS', 'DEFAULT_MAX_CONCURRENT_REQUESTS', 'DEFAULT_SOURCE_LIMITS', 'FACILITIES', 'FORMAT_TRUNCATIONS_METRIC', 'JOURNAL_FULL_POLICIES',
  'MAX_EVENT_TIME', 'MESSAGE_TRUNCATION_KEY', 'PollBudget', 'REDACTED', 'SECRET_WINDOW', 'SecretRedactor', 'SourceLimitError', 'SyslogConnectorError',
  'TransportError', 'byteSize', 'cefTimestampFromEpochMs', 'cefTimestampFromIso', 'collectSecrets', 'configPlace', 'defineFormatter',
  'defineSource', 'defineTransport', 'describeBytes', 'describeError', 'duration', 'facility', 'firstEntryAfter', 'hasEscapedKey',
  'inspectItem', 'isCefTimestamp', 'isObjectSchema', 'isPluginDefinition', 'isSecretOption', 'isSecurityEvent', 'itemDeadLetter', 'jsonExcerpt', 'maxConcurrentRequestsOption',
  'parseAnswerJson', 'parseByteSize', 'parseDuration', 'parseJson', 'parseJsonSlowly', 'priorityOf', 'readBodyWithin',
  'apiHostGate', 'readNarrowingWindows', 'requestSignal', 'secretOption', 'securityEventProblem', 'serviceRef', 'services', 'since', 'sourceLimitsOption', 'syslogSeverityOf', 'systemClock', 'tenantKey', 'z',
];

/** The host's engine (`@syslog-connector/core/engine`). */
const ENGINE = [
  'ADMIN_TOKEN_MIN_LENGTH', 'CONFIRM_TIMEOUT_MS', 'DEFAULT_ADMIN_LISTEN', 'DEFAULT_JOURNAL_MAX_SIZE',
  'DEFAULT_LEASE_TIMEOUT', 'DEFAULT_MAX_UNCONFIRMED', 'DEFAULT_READINESS_MAX_FAILING_FOR', 'DESTINATION_KEYS',
  'DestinationRunner', 'EMPTY_CHECKPOINT_STORE_MS', 'FINISH_GRACE_MS', 'InMemoryJournal', 'JOURNAL_ENGINES', 'JOURNAL_MIN_BYTES',
  'JournalSerializer', 'MIN_LEASE_TIMEOUT_MS', 'PluginRegistry', 'RECOVERY_FIRST_STEP', 'SourceRunner',
  'adminConfigSchema', 'adviseConfig', 'checkAckArguments', 'checkDestinationsWithoutTransport', 'checkJournalEvent',
  'checkReadOptions', 'checkSourceReferences', 'composeConfigSchema', 'configJsonSchema', 'destinationDeadLetter', 'destinationSharedShape',
  'flattenIssues', 'formatPath', 'isLoopbackHost', 'journalEventJson', 'parseListenAddress', 'placeError',
  'readConfigDocument', 'readFileReference', 'serializeJournalCheckpoint', 'serializeJournalEvent',
  'storeConfigSchema', 'substituteEnvironment',
];

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('core entries', () => {
  it('the main entry exports exactly the plugin API', () => {
    expect(Object.keys(api).sort(byName)).toEqual([...PLUGIN_API].sort(byName));
  });

  it('the engine entry exports the host’s engine, and nothing of the plugin API twice', () => {
    expect(Object.keys(engine).sort(byName)).toEqual([...ENGINE].sort(byName));
  });

  it('the lint rule stops a plugin’s code from importing the engine, not its tests', async () => {
    const eslint = new ESLint({ cwd: fileURLToPath(new URL('../../../', import.meta.url)) });
    const code = "import { SourceRunner } from '@syslog-connector/core/engine';\nexport const runner = SourceRunner;\n";
    const [plugin] = await eslint.lintText(code, { filePath: 'packages/formatters/cef/src/probe.ts' });
    expect(plugin?.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
    const [example] = await eslint.lintText(code, { filePath: 'examples/format-json-example/src/probe.ts' });
    expect(example?.messages.map((m) => m.ruleId)).toContain('no-restricted-imports');
    const [test] = await eslint.lintText(code, { filePath: 'packages/formatters/cef/test/probe.test.ts' });
    expect(test?.messages.map((m) => m.ruleId)).not.toContain('no-restricted-imports');
  }, 60_000);
});
