#!/usr/bin/env python3
"""The floor: every message fetched in one IMAP command over a raw socket, bytes only.

usage: imap_floor.py PORT USER PASSWORD  → prints seconds and bytes
"""
import socket, sys, time

port, user, pw = int(sys.argv[1]), sys.argv[2], sys.argv[3]
s = socket.create_connection(("127.0.0.1", port))
f = s.makefile("rb", buffering=1 << 20)
f.readline()


def cmd(tag, line):
    s.sendall(("%s %s\r\n" % (tag, line)).encode())
    total = 0
    while True:
        l = f.readline()
        if not l:
            raise SystemExit("connection closed")
        total += len(l)
        if l.endswith(b"}\r\n"):
            n = int(l[l.rindex(b"{") + 1:-3])
            total += len(f.read(n))
        elif l.startswith(tag.encode() + b" "):
            if not l.startswith(tag.encode() + b" OK"):
                raise SystemExit(l.decode(errors="replace"))
            return total


cmd("a", 'LOGIN "%s" "%s"' % (user, pw))
cmd("b", "EXAMINE INBOX")
t = time.time()
n = cmd("c", "UID FETCH 1:* (BODY.PEEK[])")
print("%.3f %d" % (time.time() - t, n))
