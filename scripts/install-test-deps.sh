#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, only when missing:
# Dovecot (IMAP, LMTP) and Postfix for the private test mail stack, tmux for the console's
# end-to-end test, isync (mbsync) and notmuch (with its Python bindings) for the sync and
# search benchmarks' comparisons, python3 for the test that decodes every subject fixture
# as Python's email package does, jq for the order-lookup scripts in contrib/.
set -euo pipefail

missing=()
command -v dovecot >/dev/null && [ -x /usr/lib/dovecot/imap ] || missing+=(dovecot-imapd)
[ -x /usr/lib/dovecot/lmtp ] || missing+=(dovecot-lmtpd)
command -v postfix >/dev/null || missing+=(postfix)
command -v openssl >/dev/null || missing+=(openssl)
command -v ss >/dev/null || missing+=(iproute2)
command -v ps >/dev/null || missing+=(procps)
command -v tmux >/dev/null || missing+=(tmux)
command -v mbsync >/dev/null || missing+=(isync)
command -v notmuch >/dev/null || missing+=(notmuch)
/usr/bin/python3 -c 'import notmuch2' 2>/dev/null || missing+=(python3-notmuch2)
command -v python3 >/dev/null || missing+=(python3)
command -v jq >/dev/null || missing+=(jq)
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "install-test-deps: need root to install: ${missing[*]}" >&2; exit 1; }
    SUDO=sudo
fi
echo "install-test-deps: installing ${missing[*]}" >&2
# A policy-rc.d that exits 101 keeps the packages from starting system-wide daemons.
created_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
fi
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
echo "postfix postfix/mailname string example.test" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
[ "$created_policy" = 1 ] && $SUDO rm -f /usr/sbin/policy-rc.d
exit 0
