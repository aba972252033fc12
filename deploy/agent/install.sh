#!/usr/bin/env bash
# Installs (or upgrades) the snplab agent on a SEV-SNP host: the jar, the systemd unit, its settings and the
# steps' user, then (re)starts the service. Safe to re-run: a file whose content is already right is left alone,
# and the service restarts only when something changed. See deploy/README.md.
set -euo pipefail

usage() {
  cat >&2 <<'USAGE'
usage: install.sh --server URL --token-file FILE [--jar FILE] [--run-as USER] [--slots N] [--label K[=V]]... [--root DIR]
  --server URL       the snplab server as agents reach it (https://snplab.example.org)
  --token-file FILE  a file holding the lab's registration token (kept out of argv: ps shows argv to all)
  --jar FILE         the snplab.jar to install; default: downloaded from the server (GET /api/agent/snplab.jar)
  --run-as USER      the unprivileged user steps run as, created in the kvm group (default snplab-ci)
  --slots N          jobs run at once (default 1)
  --label K[=V]      a label pipelines ask for; repeat for more (default: none)
  --root DIR         install under DIR instead of / (no users or services touched outside it)
USAGE
  exit 2
}
fail() { echo "install.sh: $*" >&2; exit 2; }

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
server="" token_file="" jar="" run_as="snplab-ci" slots="1" root="/" labels=()
while [ $# -gt 0 ]; do
  opt="$1" value=""
  case "$opt" in
    --*=*) value="${opt#*=}"; opt="${opt%%=*}" ;;
    --help|-h) usage ;;
    --*) [ $# -ge 2 ] || fail "$opt needs a value"; value="$2"; shift ;;
    *) fail "unknown argument $opt" ;;
  esac
  shift
  case "$opt" in
    --server) server="$value" ;;
    --token-file) token_file="$value" ;;
    --jar) jar="$value" ;;
    --run-as) run_as="$value" ;;
    --slots) slots="$value" ;;
    --label) labels+=("$value") ;;
    --root) root="$value" ;;
    *) fail "unknown option $opt" ;;
  esac
done
[ -n "$server" ] || fail "--server is required"
[[ "$server" =~ ^https?://[^/[:space:]]+ ]] || fail "--server wants an http(s) URL, got '$server'"
server="${server%/}"
[ -n "$token_file" ] || fail "--token-file is required"
[ -r "$token_file" ] || fail "--token-file $token_file is not a readable file"
token="$(tr -d '[:space:]' < "$token_file")"
[ -n "$token" ] || fail "--token-file $token_file is empty"
[[ "$token" =~ ^[A-Za-z0-9._~+/=-]+$ ]] || fail "--token-file $token_file: the token has characters a token never has"
[ -z "$jar" ] || [ -f "$jar" ] || fail "--jar $jar is not a file"
[[ "$run_as" =~ ^[a-z_][a-z0-9_-]{0,30}$ ]] || fail "--run-as wants a user name, got '$run_as'"
[ "$run_as" != root ] || fail "--run-as root would give every step root: name an unprivileged user"
[[ "$slots" =~ ^[1-9][0-9]*$ ]] || fail "--slots wants a number of at least 1, got '$slots'"
label_options=""
for label in ${labels[@]+"${labels[@]}"}; do
  [[ "$label" =~ ^[A-Za-z0-9][A-Za-z0-9_./-]*(=[A-Za-z0-9_.:/+-]*)?$ ]] || fail "--label wants KEY or KEY=VALUE, got '$label'"
  label_options="${label_options:+$label_options }--label $label"
done
[ -d "$root" ] || fail "--root $root is not a directory"
root="$(cd "$root" && pwd)"
prefix="${root%/}"  # "" for the real root

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
chmod 700 "$staging"

# The jar: the one given, else the server's own (the same version as the server).
if [ -n "$jar" ]; then
  cp "$jar" "$staging/snplab.jar"
else
  printf 'Authorization: Bearer %s\n' "$token" > "$staging/authorization"
  if ! curl --silent --show-error --fail-with-body --location --proto '=http,https' \
      --header "@$staging/authorization" --output "$staging/snplab.jar" "$server/api/agent/snplab.jar"; then
    echo "install.sh: can't download the agent from $server/api/agent/snplab.jar: $(head -c 500 "$staging/snplab.jar" 2>/dev/null)" >&2
    echo "install.sh: give --jar FILE (the server's target/snplab.jar) instead" >&2
    exit 1
  fi
fi
[ "$(head -c 2 "$staging/snplab.jar")" = PK ] || fail "$([ -n "$jar" ] && echo "--jar $jar" || echo "the download") is not a jar"

# The settings: agent.env with each value set from the options (its comments explain each one).
SNPLAB_SERVER="$server" SNPLAB_REGISTRATION_TOKEN="$token" SNPLAB_AGENT_SLOTS="$slots" \
SNPLAB_AGENT_RUN_AS="$run_as" SNPLAB_AGENT_LABELS="$label_options" awk '
  /^[A-Z_]+=/ { key = substr($0, 1, index($0, "=") - 1); if (key in ENVIRON && key != "SNPLAB_AGENT_JAVA_OPTIONS") { print key "=" ENVIRON[key]; next } }
  { print }' "$here/agent.env" > "$staging/agent.env"
# The steps' home (toolchain caches) stays writable under ProtectSystem=strict.
sed "s|/var/lib/snplab-ci|/var/lib/$run_as|g" "$here/snplab-agent.service" > "$staging/snplab-agent.service"
sed "s|@RUN_AS@|$run_as|g" "$here/snplab-agent.sysusers" > "$staging/snplab-agent.sysusers"

changed=()
# Installs SRC as DEST (under --root) with MODE, unless DEST already has that content and mode. The new file is
# renamed into place: a running agent keeps the jar it started with until it restarts.
place() {
  local src="$1" dest="$prefix$2" mode="$3"
  if [ -f "$dest" ] && cmp -s "$src" "$dest" && [ "$(stat -c %a "$dest")" = "${mode#0}" ]; then
    echo "unchanged $2"
    return
  fi
  mkdir -p "$(dirname "$dest")"
  install -m "$mode" "$src" "$dest.new"
  mv -f "$dest.new" "$dest"
  echo "installed $2"
  changed+=("$2")
}
place "$staging/snplab.jar" /opt/snplab/snplab.jar 0644
place "$staging/agent.env" /etc/snplab/agent.env 0600
place "$staging/snplab-agent.service" /etc/systemd/system/snplab-agent.service 0644
place "$staging/snplab-agent.sysusers" /etc/sysusers.d/snplab-agent.conf 0644
place "$here/60-snplab-devices.rules" /etc/udev/rules.d/60-snplab-devices.rules 0644

# The steps' user and the kvm group; systemd-sysusers creates only what is missing.
if [ -z "$prefix" ]; then
  systemd-sysusers /etc/sysusers.d/snplab-agent.conf
else
  systemd-sysusers --root="$root" "$root/etc/sysusers.d/snplab-agent.conf"
fi

if [ -n "$prefix" ]; then
  echo "--root $root: no service started"
elif [ ${#changed[@]} -gt 0 ] || ! systemctl is-active --quiet snplab-agent; then
  if [[ " ${changed[*]} " == *" /etc/udev/rules.d/"* ]]; then
    udevadm control --reload && udevadm trigger --subsystem-match=misc || true
  fi
  systemctl daemon-reload
  systemctl enable --quiet snplab-agent
  # A restart while jobs run waits for them (the agent drains on SIGTERM, up to its --drain-timeout): upgrade a
  # host drained on /hosts, or expect this to wait for its running jobs.
  systemctl restart snplab-agent
  echo "snplab-agent (re)started"
fi
if [ ${#changed[@]} -eq 0 ]; then
  echo "nothing changed"
else
  echo "changed: ${changed[*]}"
fi
