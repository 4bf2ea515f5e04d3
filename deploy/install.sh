#!/bin/sh
# The office install of docs/deployment.md as one script: run it as root on Debian, from the checkout
# (git clone ... /opt/jamsostek-coverage && /opt/jamsostek-coverage/deploy/install.sh). Running it again changes nothing
# that exists: the environment file, its secrets and the database are made once; the database role's password is set
# from the environment file in place each time (so that a put-back file after a restore works).
#
# tests/test_deployment.py runs this very script (with other folders, a throwaway PostgreSQL cluster and no systemd)
# and then the services' own ExecStart lines, as the service user.
set -eu

CHECKOUT=$(cd "$(dirname "$0")/.." && pwd)
SERVICE_USER=${SERVICE_USER:-jamsostek}
STATE=${STATE:-/srv/jamsostek}               # raw files, warehouse, Dagster's home (and dbt's state in it)
ETC=${ETC:-/etc/jamsostek}                   # the environment file with the secrets
PYTHON=${PYTHON:-/usr/bin/python3}           # Debian's python3 (3.11): a venv made from it works for every user
PG_HOST=${PG_HOST:-127.0.0.1}             # where the services connect (with the password)
PG_PORT=${PG_PORT:-5432}
PG_SOCKET=${PG_SOCKET:-}                     # the server's socket folder for the postgres user (empty: Debian's default)
PG_DB=${PG_DB:-jamsostek_dagster}
UNITS=${UNITS:-/etc/systemd/system}          # where the systemd units go; empty: do not install them

echo "== prerequisites"
missing=""
for command in git make runuser psql; do
    command -v "$command" >/dev/null 2>&1 || missing="$missing $command"
done
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || missing="$missing python3-venv"
if [ -n "$missing" ]; then
    echo "missing:$missing; install them first: apt-get install -y git make python3 python3-venv postgresql" >&2
    exit 1
fi
pg_answers() {
    runuser -u postgres -- psql --quiet -Atc 'SELECT 1' ${PG_SOCKET:+-h "$PG_SOCKET"} -p "$PG_PORT" -d postgres >/dev/null 2>&1
}
if ! pg_answers; then
    # Debian may install the cluster and leave it stopped (a policy-rc.d that forbids starting services, a container).
    # Start it only where that is unambiguous: Debian's own cluster on this port, not a socket folder given by hand.
    cluster=""
    if [ -z "$PG_SOCKET" ] && command -v pg_lsclusters >/dev/null 2>&1; then
        cluster=$(pg_lsclusters --no-header 2>/dev/null | awk -v port="$PG_PORT" '$3 == port {print $1 " " $2; exit}')
    fi
    if [ -n "$cluster" ]; then
        echo "PostgreSQL cluster $cluster is not running: starting it (pg_ctlcluster $cluster start)"
        # shellcheck disable=SC2086
        pg_ctlcluster $cluster start
    fi
    if ! pg_answers; then
        echo "PostgreSQL does not answer on port $PG_PORT${PG_SOCKET:+ (socket folder $PG_SOCKET)}. Check it with" >&2
        echo "  pg_lsclusters" >&2
        echo "and start the cluster on that port with: pg_ctlcluster <version> main start" >&2
        exit 1
    fi
fi
if [ -n "$UNITS" ] && [ ! -d /run/systemd/system ]; then
    echo "note: systemd is not running here; the units are installed but the services must be started another way" >&2
    echo "      (docs/deployment.md, Without systemd)" >&2
fi

echo "== service user $SERVICE_USER"
id -u "$SERVICE_USER" >/dev/null 2>&1 || useradd --system --home-dir "$STATE" --no-create-home --shell /usr/sbin/nologin "$SERVICE_USER"

echo "== Python environment in $CHECKOUT/.venv (from $PYTHON)"
make -C "$CHECKOUT" --no-print-directory setup PYTHON="$PYTHON"

echo "== folders under $STATE"
# Rosters arrive with full NIKs: the raw folder is for the service user alone. The rest is for it and its group
# (add analysts who read the warehouse to the group: usermod -aG $SERVICE_USER <analyst>).
install -d -m 0750 -o "$SERVICE_USER" -g "$SERVICE_USER" "$STATE" "$STATE/warehouse" "$STATE/dagster_home"
install -d -m 0700 -o "$SERVICE_USER" -g "$SERVICE_USER" "$STATE/raw"
for source in participation workforce targets potential statements rentan; do
    install -d -m 0700 -o "$SERVICE_USER" -g "$SERVICE_USER" "$STATE/raw/$source"
done
install -m 0640 -o "$SERVICE_USER" -g "$SERVICE_USER" "$CHECKOUT/deploy/dagster.yaml" "$STATE/dagster_home/dagster.yaml"
# The webserver and the daemon reach the one code server on a socket in Dagster's home (deploy/workspace.yaml).
sed -e "s#/srv/jamsostek#$STATE#g" "$CHECKOUT/deploy/workspace.yaml" > "$STATE/dagster_home/workspace.yaml"
chown "$SERVICE_USER:$SERVICE_USER" "$STATE/dagster_home/workspace.yaml"
chmod 0640 "$STATE/dagster_home/workspace.yaml"

echo "== environment file $ETC/jamsostek.env"
install -d -m 0750 -o root -g "$SERVICE_USER" "$ETC"
if [ ! -e "$ETC/jamsostek.env" ]; then
    # A new PII key and database password, written straight into the file (never on a command line, where ps shows it).
    (umask 077 && "$PYTHON" - "$CHECKOUT/deploy/jamsostek.env.example" "$ETC/jamsostek.env" "$STATE" "$SERVICE_USER" "$PG_HOST" "$PG_PORT" "$PG_DB" <<'PY'
import secrets, sys
template, target, state, user, host, port, db = sys.argv[1:]
values = {
    "JAMSOSTEK_PII_KEY": secrets.token_urlsafe(48), "DAGSTER_PG_PASSWORD": secrets.token_urlsafe(24),
    "JAMSOSTEK_RAW_DIR": f"{state}/raw", "JAMSOSTEK_WAREHOUSE_DIR": f"{state}/warehouse", "DAGSTER_HOME": f"{state}/dagster_home",
    "DAGSTER_PG_USERNAME": user, "DAGSTER_PG_HOST": host, "DAGSTER_PG_PORT": port, "DAGSTER_PG_DB": db,
}
lines = []
for line in open(template, encoding="utf-8"):
    name = line.split("=", 1)[0]
    lines.append(f"{name}={values[name]}\n" if "=" in line and not line.startswith("#") and name in values else line)
open(target, "w", encoding="utf-8").writelines(lines)
PY
    )
fi
chown "$SERVICE_USER:$SERVICE_USER" "$ETC/jamsostek.env"
chmod 0600 "$ETC/jamsostek.env"

echo "== PostgreSQL role $SERVICE_USER and database $PG_DB"
# The role's password is set from the environment file in place on every run (after a restore, the put-back file's):
# pg_restore does not carry role passwords. It is read inside this process and reaches psql on its standard input.
password=$(sed -n 's/^DAGSTER_PG_PASSWORD=//p' "$ETC/jamsostek.env")
runuser -u postgres -- psql --quiet -v ON_ERROR_STOP=1 ${PG_SOCKET:+-h "$PG_SOCKET"} -p "$PG_PORT" -d postgres <<SQL
SELECT format('CREATE ROLE %I LOGIN', '$SERVICE_USER') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$SERVICE_USER') \gexec
ALTER ROLE "$SERVICE_USER" PASSWORD '$password';
SELECT format('CREATE DATABASE %I OWNER %I', '$PG_DB', '$SERVICE_USER') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB') \gexec
SQL
unset password

if [ -n "$UNITS" ]; then
    echo "== systemd units in $UNITS"
    for unit in jamsostek-code-server jamsostek-webserver jamsostek-daemon; do
        sed -e "s#/opt/jamsostek-coverage#$CHECKOUT#g" -e "s#/etc/jamsostek#$ETC#g" -e "s#/srv/jamsostek#$STATE#g" -e "s#^User=jamsostek#User=$SERVICE_USER#" \
            -e "s#^Group=jamsostek#Group=$SERVICE_USER#" "$CHECKOUT/deploy/systemd/$unit.service" > "$UNITS/$unit.service"
    done
    if [ -d /run/systemd/system ]; then
        systemctl daemon-reload
        echo "start them with: systemctl enable --now jamsostek-code-server jamsostek-webserver jamsostek-daemon"
    fi
fi

echo "== done. A first build, as the service user, without secrets on a command line:"
echo "   runuser -u $SERVICE_USER -- sh -c 'set -a; . $ETC/jamsostek.env; set +a; exec make -C $CHECKOUT run'"
