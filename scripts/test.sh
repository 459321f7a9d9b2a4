#!/usr/bin/env bash
# Installs what is needed (Debian 12, as root), builds with warnings as errors and runs the whole
# test suite. An optional argument names another CMake preset, e.g. asan-ubsan.
#
#   scripts/test.sh [preset]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
preset=${1:-ci}

"$here/setup.sh" "$preset"
cd "$top"
# Quick Test and the client tests need no display.
export QT_QPA_PLATFORM=offscreen
ctest --preset "$preset" --parallel 2
