#!/usr/bin/env bash
# Runs every test: installs the test dependencies when missing, then format, lints, and
# the unit and integration tests (which start their own Dovecot and Postfix on loopback).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh
cargo fmt --all --check
cargo clippy --all-targets --locked -- -D warnings
if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --locked --no-fail-fast
else
    cargo test --locked --no-fail-fast
fi
