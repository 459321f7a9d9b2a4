#!/bin/sh
# Runs a command ("$@") on a private D-Bus session bus with its own unlocked gnome-keyring
# (Secret Service only), keeping the keyring files in a throwaway XDG data and runtime
# directory, so that the user's own keyrings are neither used nor touched. Sets
# CONFAB_TEST_SYSTEM_KEYRING=1 for the test to know.
#   with-keyring.sh tests/client/tst_keyring systemKeychain
set -eu

scratch=$(mktemp -d "${TMPDIR:-/tmp}/confab-keyring.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM
mkdir -m 700 "$scratch/data" "$scratch/runtime"
export XDG_DATA_HOME="$scratch/data" XDG_RUNTIME_DIR="$scratch/runtime"
export CONFAB_TEST_SYSTEM_KEYRING=1

# The daemon prints its environment (GNOME_KEYRING_CONTROL=...) on stdout; its errors stay on
# stderr. dbus-run-session stops the bus, and with it the daemon, when the command ends.
dbus-run-session -- sh -c \
    'printf %s test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' \
    sh "$@"
