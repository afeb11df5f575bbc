#!/usr/bin/env bash
# Installs the real syslog parsers that @syslog-connector/testing uses as test oracles (src/oracles/):
#   - rsyslog (+ rsyslog-gnutls, rsyslog-openssl, rsyslog-relp) → /usr/sbin/rsyslogd, modules in /usr/lib/x86_64-linux-gnu/rsyslog
#     (rsyslog-relp: imrelp, the RELP listener the relp transport's interop tests send to)
#   - liblognorm-utils                                → /usr/bin/lognormalizer (CEF decoding without a daemon)
#   - syslog-ng (syslog-ng-core + syslog-ng-scl)      → unpacked into $SYSLOG_NG_ORACLE_DIR (default /opt/syslog-ng-oracle)
#   - postgresql (PostgreSQL 15 on bookworm)          → /usr/lib/postgresql/15/bin/{initdb,pg_ctl,postgres} for the shared-store
#     tests (store-postgres, apps/connector high-availability): each test file runs its own server (PrivatePostgres:
#     initdb into a temporary folder, pg_ctl on a free loopback port). The package's own cluster ("main", port 5432)
#     is created by its postinst but never started here: the policy-rc.d below denies every start.
#   - chromium (+ fonts-dejavu-core)                  → /usr/bin/chromium, the browser the web console's tests drive with
#     playwright-core (apps/connector/test/console); Debian's build, never `playwright install` (no download at test time)
#
# rsyslog and syslog-ng-core conflict as Debian packages (both provide system-log-daemon), so syslog-ng is never
# installed with dpkg: its .debs are fetched with `apt-get download` and unpacked with `dpkg-deb -x`; only its shared
# libraries are installed through apt. No daemon is started or enabled here: the oracles run their own foreground
# daemons with private configs on loopback ports.
#
# Idempotent and quick when everything is present (no apt-get update then). Needs root and Debian 12 (bookworm).
# Exits non-zero, loudly, if any oracle cannot be installed.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
SYSLOG_NG_DIR="${SYSLOG_NG_ORACLE_DIR:-/opt/syslog-ng-oracle}"
APT_PACKAGES=(rsyslog rsyslog-gnutls rsyslog-openssl rsyslog-relp liblognorm-utils)
# syslog-ng-core's runtime libraries (apt-cache depends syslog-ng-core, bookworm), installed normally.
SYSLOG_NG_LIB_PACKAGES=(libcap2 libglib2.0-0 libivykis0 libjson-c5 libnet1 libpcre3 libssl3 libsystemd0 libwrap0)
SYSLOG_NG_DEBS=(syslog-ng-core syslog-ng-scl)

log() { printf 'install-oracles: %s\n' "$*"; }
fail() { printf 'install-oracles: ERROR: %s\n' "$*" >&2; exit 1; }

[[ "$(id -u)" == 0 ]] || fail "must run as root (apt-get install); run: sudo $0"
command -v apt-get >/dev/null || fail "apt-get not found: this script supports Debian 12 only"

started=$SECONDS
updated=0
apt_update_once() {
  if [[ $updated == 0 ]]; then
    log "apt-get update"
    apt-get update -qq || fail "apt-get update failed"
    updated=1
  fi
}

# A policy-rc.d that denies every service start (the one Docker images ship does the same), so no package's postinst
# starts a system daemon; only added when none exists, removed on exit.
own_policy=0
deny_service_starts() {
  if [[ $own_policy == 0 && ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
    trap '[[ $own_policy == 1 ]] && rm -f /usr/sbin/policy-rc.d' EXIT
  fi
}

rsyslog_modules_dir() {
  local d
  for d in /usr/lib/x86_64-linux-gnu/rsyslog /usr/lib/aarch64-linux-gnu/rsyslog /usr/lib/rsyslog; do
    [[ -d $d ]] && { printf '%s\n' "$d"; return 0; }
  done
  return 1
}

apt_ready() {
  command -v rsyslogd >/dev/null && command -v lognormalizer >/dev/null || return 1
  local d; d="$(rsyslog_modules_dir)" || return 1
  [[ -f $d/lmnsd_gtls.so && -f $d/lmnsd_ossl.so && -f $d/mmnormalize.so && -f $d/mmpstrucdata.so && -f $d/imrelp.so ]]
}

# --- 1. rsyslog + modules + lognormalizer -------------------------------------------------------------------------
if apt_ready; then
  log "rsyslog, rsyslog-gnutls, rsyslog-openssl, rsyslog-relp, liblognorm-utils: already installed"
else
  apt_update_once
  # Never start the system's rsyslog from the package's postinst (deny_service_starts).
  deny_service_starts
  log "apt-get install ${APT_PACKAGES[*]}"
  apt-get install -y -qq --no-install-recommends "${APT_PACKAGES[@]}" >/dev/null || fail "apt-get install ${APT_PACKAGES[*]} failed"
  apt_ready || fail "rsyslog or its modules (lmnsd_gtls, lmnsd_ossl, mmnormalize, mmpstrucdata, imrelp) or lognormalizer still missing"
fi

# --- 1b. PostgreSQL server binaries ---------------------------------------------------------------------------------
postgres_ready() { compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' >/dev/null && compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
if postgres_ready; then
  log "postgresql: already installed"
else
  apt_update_once
  # Nor the package's own cluster: the tests run private servers.
  deny_service_starts
  log "apt-get install postgresql"
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null || fail "apt-get install postgresql failed"
  postgres_ready || fail "postgresql installed but initdb or pg_ctl is missing under /usr/lib/postgresql/*/bin"
fi

# --- 1c. Chromium for the console's browser tests -------------------------------------------------------------------
if [[ -x /usr/bin/chromium && -d /usr/share/fonts/truetype/dejavu ]]; then
  log "chromium: already installed"
else
  apt_update_once
  log "apt-get install chromium fonts-dejavu-core"
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null || fail "apt-get install chromium fonts-dejavu-core failed"
  [[ -x /usr/bin/chromium ]] || fail "chromium installed but /usr/bin/chromium is missing"
fi

# --- 2. syslog-ng, unpacked into a private folder -----------------------------------------------------------------
syslog_ng_bin="$SYSLOG_NG_DIR/usr/sbin/syslog-ng"
syslog_ng_runs() {
  [[ -x $syslog_ng_bin && -f $SYSLOG_NG_DIR/.installed ]] || return 1
  LD_LIBRARY_PATH="$SYSLOG_NG_DIR/usr/lib/x86_64-linux-gnu:$SYSLOG_NG_DIR/usr/lib/aarch64-linux-gnu:$SYSLOG_NG_DIR/usr/lib/syslog-ng" \
    "$syslog_ng_bin" --version >/dev/null 2>&1
}

if syslog_ng_runs; then
  log "syslog-ng: already unpacked in $SYSLOG_NG_DIR ($(cat "$SYSLOG_NG_DIR/.installed"))"
else
  missing_libs=()
  for p in "${SYSLOG_NG_LIB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing_libs+=("$p")
  done
  if ((${#missing_libs[@]})); then
    apt_update_once
    log "apt-get install ${missing_libs[*]} (syslog-ng's libraries)"
    apt-get install -y -qq --no-install-recommends "${missing_libs[@]}" >/dev/null || fail "apt-get install ${missing_libs[*]} failed"
  fi
  download_dir="$(mktemp -d)"
  trap '[[ ${own_policy:-0} == 1 ]] && rm -f /usr/sbin/policy-rc.d; rm -rf "$download_dir"' EXIT
  # _apt cannot write into a root-only mktemp folder; let it (apt-get download warns and may fail otherwise).
  chmod 755 "$download_dir"
  if ! (cd "$download_dir" && apt-get download -qq "${SYSLOG_NG_DEBS[@]}" >/dev/null 2>&1); then
    apt_update_once
    (cd "$download_dir" && apt-get download -qq "${SYSLOG_NG_DEBS[@]}") || fail "apt-get download ${SYSLOG_NG_DEBS[*]} failed"
  fi
  rm -rf "$SYSLOG_NG_DIR.tmp"
  mkdir -p "$SYSLOG_NG_DIR.tmp"
  for deb in "$download_dir"/*.deb; do
    log "unpacking $(basename "$deb") into $SYSLOG_NG_DIR"
    dpkg-deb -x "$deb" "$SYSLOG_NG_DIR.tmp" || fail "dpkg-deb -x $deb failed"
  done
  version="$(dpkg-deb -f "$download_dir"/syslog-ng-core_*.deb Version)"
  printf 'syslog-ng-core %s\n' "$version" >"$SYSLOG_NG_DIR.tmp/.installed"
  rm -rf "$SYSLOG_NG_DIR"
  mv "$SYSLOG_NG_DIR.tmp" "$SYSLOG_NG_DIR"
  syslog_ng_runs || {
    LD_LIBRARY_PATH="$SYSLOG_NG_DIR/usr/lib/x86_64-linux-gnu:$SYSLOG_NG_DIR/usr/lib/syslog-ng" "$syslog_ng_bin" --version >&2 || true
    fail "unpacked syslog-ng does not run ($syslog_ng_bin --version failed; see above)"
  }
fi

log "rsyslogd:      $(command -v rsyslogd) ($(rsyslogd -v 2>/dev/null | head -n1))"
log "lognormalizer: $(command -v lognormalizer) (liblognorm $(dpkg-query -W -f='${Version}' liblognorm5 2>/dev/null || echo '?'))"
log "syslog-ng:     $syslog_ng_bin ($(cat "$SYSLOG_NG_DIR/.installed"))"
log "postgresql:    $(compgen -G '/usr/lib/postgresql/*/bin/pg_ctl' | head -n1) ($(dpkg-query -W -f='${Version}' postgresql 2>/dev/null || echo '?'))"
log "chromium:      /usr/bin/chromium ($(dpkg-query -W -f='${Version}' chromium 2>/dev/null || echo '?'))"
log "done in $((SECONDS - started)) s"
