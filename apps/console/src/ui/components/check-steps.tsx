import type { CheckStep } from '../../api.js';

/** The connection checks' step names (`test-connection --json`) as the page shows them; anything else as it is. */
const STEP_NAMES: Readonly<Record<string, string>> = {
  resolve: 'DNS',
  connect: 'Connect',
  'tls-handshake': 'TLS handshake and certificate checks',
  'tls-session': 'Client authentication',
  'client-auth': 'Client authentication',
  certificate: 'Certificate checks',
  'udp-limits': 'UDP limits',
  'relp-open': 'RELP session',
  token: 'API token',
  api: 'API check',
  setup: 'Setup',
  config: 'Config check',
};

export const stepName = (step: string): string => STEP_NAMES[step] ?? step;

/** Each step of a connection check with its result, its detail, and on a failure the fix. */
export const CheckSteps = ({ steps, label }: { readonly steps: readonly CheckStep[]; readonly label: string }) => (
  <ol class="steps" aria-label={label}>
    {steps.map((step, index) => (
      <li key={index} class={step.ok ? 'step step-ok' : 'step step-failed'}>
        <span class="step-result">{step.ok ? '✓ Passed' : '✗ Failed'}</span> <strong>{stepName(step.step)}</strong>
        <span class="step-detail">{step.detail}</span>
        {step.hint === undefined ? null : (
          <span class="step-fix">
            <strong>Fix:</strong> {step.hint}
          </span>
        )}
      </li>
    ))}
  </ol>
);
