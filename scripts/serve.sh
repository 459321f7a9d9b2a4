#!/usr/bin/env bash
# Installs what is needed (Debian 12, as root), builds an optimised confabd and starts it on its
# embedded SQLite database in ./data, at http://127.0.0.1:8080 (ws://127.0.0.1:8080/ws).
# Extra arguments go to confabd, e.g. --listen 0.0.0.0:8080; see --help.
#
#   scripts/serve.sh [confabd options]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")

"$here/setup.sh" release
echo "serve: the app: $top/build/release/qml/confab --server http://127.0.0.1:8080 (or the address you listen on)"
exec "$top/build/release/server/confabd" --data "${CONFAB_DATA:-$top/data}" "$@"
