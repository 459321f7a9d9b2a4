#!/usr/bin/env bash
# Installs Confab's build and test dependencies on Debian 12 (run as root), then configures and
# builds the given CMake preset (default: dev). With --packages-only it stops after installing.
#
#   scripts/setup.sh [preset | --packages-only]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
preset=${1:-dev}

missing=()
while read -r pkg; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done <"$here/packages.txt"

if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

[[ "$preset" == --packages-only ]] && exit 0

cd "$top"
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
