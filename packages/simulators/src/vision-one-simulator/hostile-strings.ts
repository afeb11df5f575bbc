/**
 * Field contents that break naive syslog/CEF writers. The simulator puts them into some generated items so every
 * test that reads from it exercises escaping (CEF "Implementing ArcSight CEF": `\`, `|` in the header, `\`, `=`
 * and newlines in extensions — FACTS §E.7) and record injection over LF framing (RFC 6587 §3.4.2, FACTS §E.4).
 */
export const HOSTILE_STRINGS = {
  pipes: 'cmd.exe /c type secrets.txt | findstr pass | more',
  equals: 'key=value a=b c==d trailing=',
  backslashes: 'C:\\Windows\\System32\\cmd.exe \\\\server\\share\\ end\\',
  crlf: 'first line\r\nsecond line\rthird line\nfourth',
  /** An LF followed by a complete forged syslog record: what an attacker would put in an alert description. */
  injection: 'benign text\n<13>Jan  1 00:00:00 forged-host CEF:0|Evil|Forged|1.0|1|Injected record|10|msg=owned',
  nul: 'before\u0000after\u0000',
  latin: 'Café résumé naïve — « guillemets » ü ß é',
  cjk: '中文告警：可疑的 PowerShell 执行 日本語のアラート 한국어',
  emoji: 'Alert 🚨🔥 with emoji 👩‍💻 and flags 🇫🇷',
  quotes: 'He said "run it" and \'left\' ] \\" }',
  controls: 'tab\there\u0007bell\u001bescape\u007fdel',
  /** A lone UTF-16 surrogate: valid in a JSON string (`"\ud83d"`), not encodable as UTF-8 without replacement. */
  loneSurrogate: 'broken \ud83d surrogate',
  leadingTrailingSpaces: '  padded value  ',
  /** About 5 kB, longer than every CEF dictionary limit (msg 1023, cs1 4000). */
  long: `${'A long description. '.repeat(250)}END`,
} as const;

export type HostileStringName = keyof typeof HOSTILE_STRINGS;

export const HOSTILE_STRING_NAMES = Object.keys(HOSTILE_STRINGS) as readonly HostileStringName[];
