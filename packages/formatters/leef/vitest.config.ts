export { default } from '@syslog-connector/vitest-config';
