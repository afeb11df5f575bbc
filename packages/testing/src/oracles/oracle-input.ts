/** How a test reaches an oracle daemon: one listener on 127.0.0.1 per input, on a port the oracle picks. */
/** `relp`: rsyslog's imrelp (RELP, librelp) — rsyslog only, needs the `rsyslog-relp` package. */
export type OracleProtocol = 'tcp' | 'udp' | 'tls' | 'relp';

/** RFC 6587 §3.4.1 octet counting (`LEN SP MSG`) or §3.4.2 non-transparent framing with LF as trailer. */
export type OracleFraming = 'octet-counting' | 'lf';

export interface OracleTlsOptions {
  /** PEM CA bundle the daemon verifies client certificates with. */
  readonly caFile: string;
  /** PEM server certificate (chain) and its key. */
  readonly certFile: string;
  readonly keyFile: string;
  /** Whether the daemon demands a client certificate signed by `caFile`. Default `'none'`. */
  readonly clientAuth?: 'required' | 'none';
  /** rsyslog only: GnuTLS (`gtls`, rsyslog's default) or OpenSSL (`ossl`). They differ in TLS errors; see README. */
  readonly driver?: 'gtls' | 'ossl';
}

export interface OracleInput {
  readonly protocol: OracleProtocol;
  /**
   * TCP/TLS only. rsyslog (imtcp) detects octet counting per frame whatever this says; `'lf'` switches that
   * detection off, so a frame starting with a digit is read as LF-framed text. syslog-ng's `syslog()` source reads
   * octet counting only, so `'lf'` selects a `network()` source instead. Default `'octet-counting'`.
   */
  readonly framing?: OracleFraming;
  /** Required when `protocol` is `'tls'`. With `'relp'`: RELP over TLS (imrelp `tls="on"`); `driver` is not used. */
  readonly tls?: OracleTlsOptions;
}
