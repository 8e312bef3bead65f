#!/usr/bin/env bash
# Bulk-reply benchmark through the local Postfix: N tickets answered with one template,
# timed as render only (dry run), render + queue, and delivery (SMTP, Sent copy,
# \Answered), compared with Postfix's own smtp-source sending N messages of similar size
# over one connection.
#
#   scripts/bench-bulk.sh [N]        default 1000
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
scripts/install-test-deps.sh
cargo build --release --quiet
BIN=$PWD/target/release/shopdesk
export IMAP_PORT=${IMAP_PORT:-13143} IMAPS_PORT=${IMAPS_PORT:-13993} SMTP_PORT=${SMTP_PORT:-13025} SMTPS_PORT=${SMTPS_PORT:-13465}
export BENCH_PASSWORD=secret
D=$(mktemp -d /tmp/sdbulk.XXXXXX); chmod 755 "$D"
W=$(mktemp -d)
trap 'scripts/mailstack.sh stop "$D" >/dev/null 2>&1 || true; rm -rf "$D" "$W"' EXIT
scripts/mailstack.sh start "$D" >/dev/null
MD=$(scripts/mailstack.sh maildir "$D" shop@example.test)
python3 - "$MD" "$n" <<'PY'
import os, sys, time
md, n = sys.argv[1], int(sys.argv[2])
now = int(time.time())
for i in range(n):
    c = "customer%d@example.test" % (1 + i % 5)
    msg = ("From: Customer %d <%s>\r\nTo: shop@example.test\r\nSubject: Where is order %d?\r\n"
           "Date: %s\r\nMessage-ID: <bulk%d@example.test>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           "Hello, my order %d has not arrived. Could you check?\r\n") % (
        i, c, 20000 + i, time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(now - 600 + i % 500)), i, 20000 + i)
    with open(os.path.join(md, "cur", "%d.%d.bench:2," % (now, i)), "w") as f:
        f.write(msg)
PY
chown -R 5000:5000 "$MD"
cat >"$W/config.toml" <<TOML
agent = "bench"
[[accounts]]
name = "shop"
email = "shop@example.test"
${BULK_ACCOUNT_EXTRA:-}
[accounts.imap]
host = "127.0.0.1"
port = $IMAP_PORT
security = "none"
user = "shop@example.test"
password_env = "BENCH_PASSWORD"
[accounts.smtp]
host = "127.0.0.1"
port = $SMTP_PORT
security = "none"
user = "shop@example.test"
password_env = "BENCH_PASSWORD"
TOML
sd() { "$BIN" --config "$W/config.toml" --db "$W/shop.db" "$@"; }
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
sd sync 2>/dev/null
t0=$(now); sd bulk-reply --query status:new --template sizing --dry-run --json >/dev/null; t1=$(now); render=$(secs "$t0" "$t1")
t0=$(now); sd bulk-reply --query status:new --template sizing --yes --queue-only 2>/dev/null; t1=$(now); queue=$(secs "$t0" "$t1")
t0=$(now); sd outbox flush 2>/dev/null; t1=$(now); deliver=$(secs "$t0" "$t1")
sent=$(sd outbox list --all --json | python3 -c 'import json,sys; print(sum(1 for r in json.load(sys.stdin) if r["state"]=="sent"))')
t0=$(now); smtp-source -s 1 -l 1500 -m "$n" -f shop@example.test -t customer1@example.test "127.0.0.1:$SMTP_PORT"; t1=$(now); floor=$(secs "$t0" "$t1")
rate() { python3 -c "print(f'{$1 / $2:.0f}')"; }
{
    echo "### bulk reply to $n tickets through the local Postfix"
    echo
    echo "| step | seconds | messages/s |"
    echo "|---|---:|---:|"
    echo "| render $n replies (dry run) | $render | $(rate "$n" "$render") |"
    echo "| render and queue $n replies | $queue | $(rate "$n" "$queue") |"
    echo "| deliver $sent: SMTP, Sent copy, \\\\Answered, mark sent | $deliver | $(rate "$sent" "$deliver") |"
    echo "| smtp-source, $n messages, one connection | $floor | $(rate "$n" "$floor") |"
} | { mkdir -p bench-results; tee bench-results/bulk-$n.md; }
