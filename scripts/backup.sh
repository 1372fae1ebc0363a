#!/bin/bash
# Nightly backup (docs/deploy.md "Backup and restore"): one archive of the database and the uploads,
# an off-host copy, 30 days kept here. Run from cron as the application's user, in its environment.
#   ECBASE_BACKUP_DIR     where archives are kept on this host (default /srv/backup)
#   ECBASE_BACKUP_REMOTE  rsync destination of the off-host copy, e.g. backup@backup.internal:/backup/ecbase/
#   ECBASE_BACKUP_DAYS    days kept here (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${ECBASE_BACKUP_DIR:-/srv/backup}
name="$dir/ecbase-$(date +%Y%m%d-%H%M).tar.gz"
mkdir -p "$dir"
.venv/bin/python manage.py backup "$name"
if [ -n "${ECBASE_BACKUP_REMOTE:-}" ]; then
  rsync -a "$name" "$ECBASE_BACKUP_REMOTE"
else
  echo "ECBASE_BACKUP_REMOTE 未设置：备份只在本机，请配置异地副本。" >&2
fi
find "$dir" -name 'ecbase-*.tar.gz' -mtime +"${ECBASE_BACKUP_DAYS:-30}" -delete
