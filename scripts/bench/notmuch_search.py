#!/usr/bin/python3
"""Search latency of notmuch on a Maildir, for comparison with shopdesk's search bench:
indexes the Maildir into a fresh notmuch database, then runs each query 41 times through
the library (no process start in the timing), newest first, taking the first 50 messages
as shopdesk's searches do. notmuch has no relevance order, so the like-for-like figure is
shopdesk's `--sort newest`; its default, best match first, answers another question.
Prints a Markdown table.

usage: notmuch_search.py MAILDIR   (needs python3-notmuch2)
       notmuch_search.py --sender MAILDIR   prints the sender the last query looks for
"""
import email, email.policy, os, subprocess, sys, tempfile, time

# Chinese and Japanese words are indexed as character n-grams only with this set, at
# indexing and at query time.
os.environ["XAPIAN_CJK_NGRAM"] = "1"
import notmuch2  # noqa: E402

RUNS = 41
# (kind, query): the same needs as benches/search.rs asks shopdesk.
QUERIES = [
    ("word", "refund*"),
    ("phrase", '"where is my order"'),
    ("Turkish without diacritics", "siparisim*"),
    ("Chinese", "退货"),
    ("sender: a name", "from:anna"),
    ("sender: a domain", "from:gmail.example.com"),
]


def first_sender(maildir):
    """The address of the first message (by file name): a sender the mailbox holds."""
    cur = os.path.join(maildir, "cur")
    for name in sorted(os.listdir(cur)):
        with open(os.path.join(cur, name), "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.default)
        try:
            addr = msg["From"].addresses[0].addr_spec
        except (AttributeError, IndexError, TypeError, ValueError):
            continue
        if addr:
            return addr.lower()
    return "nobody@example.com"


def main():
    if sys.argv[1] == "--sender":
        print(first_sender(sys.argv[2]))
        return
    maildir = os.path.abspath(sys.argv[1])
    queries = QUERIES + [("sender: one address", "from:" + first_sender(maildir))]
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "notmuch-config")
        with open(config, "w") as f:
            f.write("[database]\npath=%s\n[new]\ntags=inbox\n[search]\nexclude_tags=\n" % maildir)
        env = dict(os.environ, NOTMUCH_CONFIG=config)
        t = time.time()
        subprocess.run(["notmuch", "new", "--quiet"], env=env, check=True)
        index_secs = time.time() - t
        db = notmuch2.Database(path=maildir, config=config)
        print("notmuch %s, indexed in %.2f s" % (subprocess.run(["notmuch", "--version"], capture_output=True,
                                                                 text=True).stdout.strip(), index_secs))
        print("| kind | query | hits | p50 ms | p95 ms |")
        print("|---|---|---:|---:|---:|")
        for kind, q in queries:
            times, hits = [], 0
            for _ in range(RUNS):
                t = time.perf_counter()
                hits = 0
                for _m in db.messages(q, sort=notmuch2.Database.SORT.NEWEST_FIRST):
                    hits += 1
                    if hits == 50:
                        break
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            print("| %s | `%s` | %d | %.2f | %.2f |" % (kind, q, hits, times[RUNS // 2], times[RUNS * 95 // 100]))
        db.close()
        # notmuch keeps its database in MAILDIR/.notmuch: leave the mailbox as it was.
        subprocess.run(["rm", "-rf", os.path.join(maildir, ".notmuch")], check=True)


main()
