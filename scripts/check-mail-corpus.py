#!/usr/bin/env python3
"""Measures the mail decoder against Python's `email` package on a directory of mail.

    cargo build --examples
    scripts/check-mail-corpus.py DIR [--min 99.5] [--decoder PATH]

Every file under DIR is one message. Each is decoded by `examples/decode_mail.rs` (the
decoder sync uses) and by `email.message_from_bytes(raw, policy=email.policy.default)`;
the Subject and the sender's display name are compared after the same line cleaning
tests/subjects.rs applies (the decoder's own, asked through `decode_mail --sanitize`).
Prints the counts, both agreement figures, every disagreement grouped by a guessed class,
and the messages we may lose (no Message-ID or no text where Python finds one). Exits 1
when subject agreement is below --min. Standard library only.
"""
import argparse
import email
import email.policy
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def python_reading(raw):
    """Subject, display name, whether a Message-ID and a text body are there, or an error."""
    try:
        m = email.message_from_bytes(raw, policy=email.policy.default)
        subject = str(m["subject"] or "")
        name = None
        sender = m["from"]
        if sender is not None and getattr(sender, "addresses", None):
            name = sender.addresses[0].display_name
        mid = str(m["message-id"] or "").strip()
        body = m.get_body(("plain", "html"))
        has_text = False
        if body is not None:
            try:
                has_text = bool(body.get_content().strip())
            except Exception:  # noqa: BLE001 - an undecodable part is "no text"
                has_text = False
        return {"subject": subject, "name": name, "mid": bool(mid), "text": has_text}
    except Exception as e:  # noqa: BLE001 - Python failing is recorded, not fatal
        return {"error": "%s: %s" % (type(e).__name__, e)}


def raw_field(raw, field):
    """The first field of that name as written, unfolded, for guessing a class."""
    head = re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]
    m = re.search(rb"(?im)^" + field + rb"[ \t]*:(.*(?:\r?\n[ \t].*)*)", head)
    return m.group(1) if m else None


def guess_class(raw_value, ours, theirs):
    if raw_value is None:
        return "field missing in raw"
    if ours == "" and theirs != "":
        return "ours empty"
    if theirs == "" and re.search(rb"\(\s*" + re.escape(ours.encode()) + rb"\s*\)", raw_value):
        # `addr (Name)`: policy.default ignores the comment, where readers show it
        return "name in a comment (Python's policy.default drops it)"
    if theirs == "" and re.match(rb"\s*[^\s\"<]+@[^\s<]+\s*<", raw_value):
        return "unquoted address as the name (Python drops it)"
    if re.sub(r"\s+", "", ours) == re.sub(r"\s+", "", theirs):
        return "whitespace only"
    if "\ufffd" in theirs and any(b >= 0x80 for b in raw_value):
        # policy.default reads raw 8-bit bytes in an address field as undecodable, UTF-8 too
        return "raw 8-bit bytes (Python shows U+FFFD)"
    if "\ufffd" in theirs and "\ufffd" not in ours:
        return "Python shows U+FFFD (undecodable bytes or charset)"
    if "\ufffd" in ours:
        return "ours shows U+FFFD"
    if b"=?" in raw_value:
        if re.search(r"=\?[^?]*\?[bBqQ]\?", ours):
            return "encoded word left as written by us"
        if re.search(r"=\?[^?]*\?[bBqQ]\?", theirs):
            return "encoded word left as written by Python"
        if re.search(rb'"[^"]*=\?', raw_value):
            return "encoded word inside quotes"
        return "encoded word decoded differently"
    if any(b >= 0x80 for b in raw_value):
        return "raw 8-bit bytes"
    return "other"


def sanitized(decoder, texts):
    """Each text as the decoder's sanitize_line leaves it."""
    if not texts:
        return []
    # a lone surrogate (Python's stand-in for an undecodable byte) is U+FFFD, as ours is
    feed = "".join(json.dumps(re.sub("[\ud800-\udfff]", "\ufffd", t)) + "\n" for t in texts)
    out = subprocess.run([decoder, "--sanitize"], input=feed.encode(), capture_output=True,
                         check=True)
    return [json.loads(line) for line in out.stdout.decode().splitlines()]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=pathlib.Path)
    ap.add_argument("--min", type=float, default=0.0,
                    help="exit 1 when subject agreement (%%) is below this")
    ap.add_argument("--decoder", default=str(ROOT / "target/debug/examples/decode_mail"),
                    help="the built decode_mail example (cargo build --examples)")
    args = ap.parse_args()
    if not pathlib.Path(args.decoder).exists():
        sys.exit("no decoder at %s: run `cargo build --examples` first" % args.decoder)
    files = sorted(str(p) for p in args.dir.rglob("*") if p.is_file())
    if not files:
        sys.exit("no files under %s" % args.dir)
    out = subprocess.run([args.decoder], input="\n".join(files).encode() + b"\n",
                         capture_output=True, check=True)
    ours = {}
    for line in out.stdout.decode().splitlines():
        rec = json.loads(line)
        ours[rec["path"]] = rec

    theirs = {}
    for path in files:
        raw = pathlib.Path(path).read_bytes()
        theirs[path] = (raw, python_reading(raw))

    # Python's strings through the same cleaning as ours
    order = [p for p in files if "error" not in theirs[p][1]]
    clean = sanitized(args.decoder, [theirs[p][1]["subject"] for p in order]
                      + [theirs[p][1]["name"] or "" for p in order])
    for i, p in enumerate(order):
        theirs[p][1]["subject"] = clean[i]
        theirs[p][1]["name"] = clean[len(order) + i] if theirs[p][1]["name"] is not None else None

    failed, python_failed = [], []
    subj_same = subj_total = name_same = name_total = 0
    classes = {}
    lost = []
    for path in files:
        rec = ours.get(path, {"failed": "no output"})
        raw, py = theirs[path]
        if "error" in py:
            python_failed.append((path, py["error"]))
        if rec.get("failed"):
            failed.append((path, rec["failed"]))
        if "error" in py:
            continue
        def agree(what, field, ours, theirs):
            # whether the two readings agree; a disagreement is filed under its class
            if ours == theirs:
                return True
            cls = guess_class(raw_field(raw, field), ours, theirs)
            classes.setdefault((what, cls), []).append((path, ours, theirs))
            return False

        subj_total += 1
        subj_same += agree("Subject", rb"subject", rec.get("subject") or "", py["subject"])
        if py["name"] is not None:
            name_total += 1
            name_same += agree("From name", rb"from", rec.get("from_name") or "", py["name"])
        if py["mid"] and not rec.get("message_id"):
            lost.append((path, "no Message-ID (Python finds one)"))
        if py["text"] and not rec.get("text_len") and not rec.get("attachments"):
            lost.append((path, "no text (Python finds some)"))

    pct = lambda a, b: 100.0 * a / b if b else 100.0  # noqa: E731
    subj_pct, name_pct = pct(subj_same, subj_total), pct(name_same, name_total)
    print("files              %d" % len(files))
    print("parsed             %d" % (len(files) - len(failed)))
    print("failed             %d" % len(failed))
    print("python failed      %d" % len(python_failed))
    print("subject agreement  %.2f %% (%d of %d)" % (subj_pct, subj_same, subj_total))
    print("name agreement     %.2f %% (%d of %d)" % (name_pct, name_same, name_total))
    print("possibly lost      %d" % len(lost))
    for (field, cls), rows in sorted(classes.items(), key=lambda kv: (kv[0][0], -len(kv[1]))):
        print("\n== %s: %s (%d)" % (field, cls, len(rows)))
        for path, a, b in rows:
            print("  %s\n    ours   %r\n    python %r" % (path, a, b))
    for title, rows in (("failed to parse", failed), ("Python failed", python_failed),
                        ("possibly lost", lost)):
        if rows:
            print("\n== %s (%d)" % (title, len(rows)))
            for path, why in rows:
                print("  %s: %s" % (path, why))
    if subj_pct < args.min:
        print("\nsubject agreement %.2f %% is below --min %.2f" % (subj_pct, args.min))
        sys.exit(1)


if __name__ == "__main__":
    main()
