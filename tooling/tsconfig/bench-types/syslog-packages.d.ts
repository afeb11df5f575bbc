// glossy and syslog-pro, the npm syslog producers the formatter benchmarks compare against, ship no types: just what
// the benchmarks call. Shared by the formatter packages' tsconfig.json (bench/ only).
declare module 'glossy' {
  interface GlossyMessage {
    facility?: string;
    severity?: string;
    host?: string;
    appName?: string;
    pid?: string;
    msgID?: string;
    date?: Date;
    structuredData?: Record<string, Record<string, string>>;
    message: string;
  }
  export class Produce {
    constructor(options: { type: 'BSD' | 'RFC5424'; host?: string; appName?: string; facility?: string; msgID?: string });
    produce(message: GlossyMessage): string | false;
  }
}

declare module 'syslog-pro' {
  interface HeaderOptions {
    hostname?: string;
    applacationName?: string;
    facility?: number;
    color?: boolean;
    timestamp?: boolean;
    timestampUTC?: boolean;
    timestampMS?: boolean;
    timestampTZ?: boolean;
    encludeStructuredData?: boolean;
    utf8BOM?: boolean;
  }
  export class RFC3164 {
    constructor(options: HeaderOptions);
    buildMessage(message: string, options?: { severity?: number }): Promise<string>;
  }
  export class RFC5424 {
    constructor(options: HeaderOptions);
    buildMessage(
      message: string,
      options?: { severity?: number; facility?: number; pid?: string; id?: string; msgStructuredData?: string[] },
    ): Promise<string>;
  }
  export class CEF {
    constructor(options: {
      deviceVendor: string;
      deviceProduct: string;
      deviceVersion: string;
      deviceEventClassId: string;
      name: string;
      severity: number;
      extensions: Record<string, string | number>;
    });
    buildMessage(): Promise<string>;
  }
}
