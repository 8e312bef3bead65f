//! Long-lived jobs: sync.
