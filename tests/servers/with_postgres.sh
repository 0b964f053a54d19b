#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL server: initdb in /tmp, a free port, stopped on exit.
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user.
set -euo pipefail
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
dir=$(mktemp -d /tmp/qa-center-pg.XXXXXX)
chmod 755 "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$dir"
  as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
# Durability off: this server holds throwaway test data only.
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w start \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
stop() { "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true; rm -rf "$dir"; }
trap stop EXIT
"$pgbin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE ROLE qa_center LOGIN PASSWORD 'qa_center' CREATEDB"
"$pgbin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE DATABASE qa_center OWNER qa_center"
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on port $port"
DATABASE_URL="postgres://qa_center:qa_center@127.0.0.1:$port/qa_center" "$@"
