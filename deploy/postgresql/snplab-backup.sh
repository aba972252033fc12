#!/usr/bin/env bash
# Dumps the snplab database (pg_dump's custom format: `pg_restore` restores it, also table by table) into
# BACKUP_DIR and keeps the newest KEEP dumps. Run by snplab-backup.timer as the postgres user; by hand:
#   sudo -u postgres deploy/postgresql/snplab-backup.sh [BACKUP_DIR] [KEEP]
# Restore into an empty database:  pg_restore --clean --if-exists --no-owner --role=snplab -d snplab FILE
# The secrets key (SNPLAB_SECRETS_KEY or the server's data/secrets.key) must be backed up with the dumps: without
# it the repositories' webhook secrets and tokens in a dump can't be read.
set -euo pipefail
dir="${1:-/var/backups/snplab}"
keep="${2:-14}"
mkdir -p "$dir"
umask 077
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
# Written under a temporary name, renamed when complete: a half-written dump never looks like a backup.
pg_dump --format=custom --dbname=snplab --file="$dir/.snplab-$stamp.dump.partial"
mv "$dir/.snplab-$stamp.dump.partial" "$dir/snplab-$stamp.dump"
ls -1t "$dir"/snplab-*.dump | tail -n +"$((keep + 1))" | xargs -r rm --
echo "snplab-backup: $dir/snplab-$stamp.dump"
