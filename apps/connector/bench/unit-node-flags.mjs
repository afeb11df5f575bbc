// The node flags of the shipped systemd unit (its ExecStart, as the container's ENTRYPOINT): the benches start the
// daemon's process with them, so their figures are those of the daemon as installed.
import { readFileSync } from 'node:fs';

const UNIT = new URL('../../../deploy/systemd/syslog-connector.service', import.meta.url);

/** `['--max-semi-space-size=16', …]`: the flags between node and the launcher in the unit's ExecStart. */
export const unitNodeFlags = () =>
  (/^ExecStart=\S+\/node((?: --\S+)*) \S+syslog-connector\.js /m.exec(readFileSync(UNIT, 'utf8'))?.[1] ?? '').trim().split(' ').filter(Boolean);
