#!/usr/bin/env bash
# Sync benchmark against a real Dovecot: fills a mailbox with N realistic shop messages,
# then times shopdesk's first sync (parse, thread and index included) and a no-change
# resync, mbsync's first and no-change runs on the same mailbox, a plain fetch of every
# message in one IMAP command (the floor), and search latency on the synced database.
#
#   scripts/bench-sync.sh [N ...]        default: 10000 100000
# Results: a Markdown table on stdout and in bench-results/sync-N.md.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(10000 100000)

scripts/install-test-deps.sh
cargo build --release --quiet
cargo build --release --quiet --bench search 2>/dev/null || true
BIN=$PWD/target/release/shopdesk
mkdir -p bench-results

export BENCH_PASSWORD=secret
export IMAP_PORT=${IMAP_PORT:-12143} IMAPS_PORT=${IMAPS_PORT:-12993} SMTP_PORT=${SMTP_PORT:-12025} SMTPS_PORT=${SMTPS_PORT:-12465}
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }

for n in "${sizes[@]}"; do
    D=$(mktemp -d /tmp/sdbench.XXXXXX); chmod 755 "$D"
    W=$(mktemp -d)
    trap 'scripts/mailstack.sh stop "$D" >/dev/null 2>&1 || true; rm -rf "$D" "$W"' EXIT
    scripts/mailstack.sh start "$D" >/dev/null
    MD=$(scripts/mailstack.sh maildir "$D" shop@example.test)
    python3 scripts/bench/genmail.py "$MD" "$n"
    chown -R 5000:5000 "$MD"
    size=$(du -sh "$MD" | cut -f1)
    # Dovecot indexes a new Maildir on first open: do that before anything is timed.
    python3 scripts/bench/imap_floor.py "$IMAP_PORT" shop@example.test secret >/dev/null
    read -r floor bytes < <(python3 scripts/bench/imap_floor.py "$IMAP_PORT" shop@example.test secret)

    cat >"$W/config.toml" <<TOML
agent = "bench"
[[accounts]]
name = "shop"
email = "shop@example.test"
[accounts.imap]
host = "127.0.0.1"
port = $IMAP_PORT
security = "none"
user = "shop@example.test"
password_env = "BENCH_PASSWORD"
TOML
    t0=$(now); SHOPDESK_LOG=error "$BIN" --config "$W/config.toml" --db "$W/shop.db" sync 2>/dev/null; t1=$(now)
    first=$(secs "$t0" "$t1")
    t0=$(now); SHOPDESK_LOG=error "$BIN" --config "$W/config.toml" --db "$W/shop.db" sync 2>/dev/null; t1=$(now)
    resync=$(secs "$t0" "$t1")
    count=$("$BIN" --config "$W/config.toml" --db "$W/shop.db" list --json --limit 1000000 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')

    mkdir -p "$W/mbsync"
    cat >"$W/mbsyncrc" <<RC
IMAPAccount bench
Host 127.0.0.1
Port $IMAP_PORT
User shop@example.test
Pass secret
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account bench

MaildirStore local
Path $W/mbsync/
Inbox $W/mbsync/INBOX

Channel bench
Far :remote:
Near :local:
Patterns INBOX
Create Near
Sync Pull
SyncState *
RC
    t0=$(now); mbsync -q -c "$W/mbsyncrc" bench >"$W/mbsync.log" 2>&1 || { cat "$W/mbsync.log" >&2; exit 1; }; t1=$(now)
    mb_first=$(secs "$t0" "$t1")
    t0=$(now); mbsync -q -c "$W/mbsyncrc" bench >/dev/null 2>&1; t1=$(now)
    mb_resync=$(secs "$t0" "$t1")

    search=$(SHOPDESK_BENCH_DB="$W/shop.db" cargo bench --quiet --bench search 2>/dev/null || echo "(search bench failed)")
    out=bench-results/sync-$n.md
    {
        echo "### $n messages ($size on disk, $bytes bytes over IMAP; $count tickets)"
        echo
        echo "| step | seconds |"
        echo "|---|---:|"
        echo "| floor: one UID FETCH 1:* of every message | $floor |"
        echo "| shopdesk first sync (parse, thread, index, store) | $first |"
        echo "| mbsync first sync | $mb_first |"
        echo "| shopdesk no-change resync | $resync |"
        echo "| mbsync no-change resync | $mb_resync |"
        echo
        echo "Search on the synced database:"
        echo
        echo "$search"
    } | tee "$out"
    scripts/mailstack.sh stop "$D" >/dev/null
    rm -rf "$D" "$W"
    trap - EXIT
done
