#!/usr/bin/env bash
# PostgreSQL server binaries for the integration tests (tests/runtime), which start their own
# throwaway server. Does nothing when initdb, pg_ctl and postgres are already on the machine;
# otherwise installs Debian's `postgresql` package, which also ships pgcrypto and
# pg_stat_statements. A missing server must fail the tests, so failure here is loud.
set -euo pipefail

server_bindir() {
    local dirs=()
    if command -v pg_config >/dev/null 2>&1; then
        dirs+=("$(pg_config --bindir)")
    fi
    # Debian keeps server binaries off PATH, one directory per major version: newest first.
    local dir
    for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -n -r); do
        dirs+=("$dir")
    done
    for dir in "${dirs[@]}"; do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

if bindir=$(server_bindir); then
    echo "postgres: server binaries in $bindir"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "postgres: no server binaries found and no apt-get to install them;" \
        "install PostgreSQL >= 14 (initdb, pg_ctl, postgres, pgcrypto)" >&2
    exit 1
fi

sudo=()
if [[ $(id -u) -ne 0 ]]; then
    sudo=(sudo)
fi
echo "postgres: no server binaries found; installing Debian's postgresql package"
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql

if ! bindir=$(server_bindir); then
    echo "postgres: installed postgresql but found no initdb/pg_ctl/postgres" >&2
    exit 1
fi
echo "postgres: server binaries in $bindir"
