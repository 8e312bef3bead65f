#!/usr/bin/env python3
"""Fills a Maildir with N realistic shop messages: customers writing in English, Swedish,
Turkish, Russian and Chinese in their usual charsets and transfer encodings, follow-ups
threaded by In-Reply-To, quoted replies, some HTML-only mail and a few attachments.

usage: genmail.py MAILDIR N [SEED]
"""
import base64, os, quopri, random, sys, time

LANGS = [
    ("en", "utf-8", ["Where is my order #{o}?", "Wrong size on order {o}", "Refund for order #{o}", "Damaged parcel"],
     "Hello,\n\nI ordered {item} on {day} (order #{o}) and it has still not arrived. Could you check the delivery and send me the tracking number?\n\nThanks,\n{name}"),
    ("sv", "iso-8859-1", ["Var är min beställning #{o}?", "Fel storlek på order {o}", "Återbetalning order {o}"],
     "Hej!\n\nJag beställde {item} den {day} (order #{o}) men paketet har inte kommit än. Kan ni kolla leveransen och skicka spårningsnumret?\n\nMed vänliga hälsningar,\n{name}"),
    ("tr", "iso-8859-9", ["Siparişim nerede? #{o}", "Yanlış beden, sipariş {o}", "İade talebi {o}"],
     "Merhaba,\n\n{day} tarihinde {item} sipariş ettim (sipariş #{o}) ama hâlâ gelmedi. Kargo takip numarasını gönderebilir misiniz? İade etmek istiyorum.\n\nTeşekkürler,\n{name}"),
    ("ru", "koi8-r", ["Где мой заказ №{o}?", "Неверный размер, заказ {o}", "Возврат заказа {o}"],
     "Здравствуйте!\n\nЯ заказал {item} {day} (заказ №{o}), но он до сих пор не пришёл. Пришлите, пожалуйста, номер отслеживания.\n\nСпасибо,\n{name}"),
    ("zh", "gb18030", ["我的订单 {o} 在哪里？", "尺码不对 订单{o}", "退货申请 {o}"],
     "你好，\n\n我在{day}订购了{item}（订单号 {o}），到现在还没有收到。请告诉我物流单号。我想退货。\n\n谢谢，\n{name}"),
]
ITEMS = ["a pair of boots", "a rain jacket", "two t-shirts", "a wool scarf", "running shoes", "a backpack"]
NAMES = ["Anna Berg", "Åsa Öberg", "Ayşe Yılmaz", "Иван Петров", "王小明", "John Smith", "Zoë O'Brien", "Mehmet Çelik", "Ольга Смирнова", "李华"]
DOMAINS = ["example.com", "mail.example.se", "posta.example.com.tr", "yandex.example.ru", "qq.example.cn"]


def ew(text, cs):
    try:
        raw = text.encode(cs)
    except UnicodeEncodeError:
        cs, raw = "utf-8", text.encode("utf-8")
    if all(b < 128 for b in raw):
        return text
    return "=?%s?B?%s?=" % (cs, base64.b64encode(raw).decode())


def body_bytes(text, cs):
    try:
        raw = text.encode(cs)
    except UnicodeEncodeError:
        cs, raw = "utf-8", text.encode("utf-8")
    return cs, raw


def main():
    maildir, n = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 42)
    os.makedirs(os.path.join(maildir, "cur"), exist_ok=True)
    os.makedirs(os.path.join(maildir, "new"), exist_ok=True)
    os.makedirs(os.path.join(maildir, "tmp"), exist_ok=True)
    base = int(time.time()) - n * 60
    open_threads = []
    for i in range(n):
        follow_up = open_threads and rnd.random() < 0.3
        if follow_up:
            lang, cs0, subject, parent, name, addr, o = rnd.choice(open_threads)
        else:
            lang, cs0, subjects, template = LANGS[i % len(LANGS)][:4]
            o = 100000 + i
            name = rnd.choice(NAMES)
            addr = "c%d@%s" % (rnd.randrange(n // 3 + 1), rnd.choice(DOMAINS))
            subject = rnd.choice(subjects).format(o=o)
            parent = None
        lang_row = next(l for l in LANGS if l[0] == lang)
        text = lang_row[3].format(o=o, item=rnd.choice(ITEMS), day="2026-11-%02d" % (1 + i % 28), name=name)
        if follow_up:
            text = "Any news?\n\n" + "\n".join("> " + l for l in text.splitlines())
        mid = "<bench.%d.%d@%s>" % (i, o, addr.split("@")[1])
        headers = [
            "From: %s <%s>" % (ew(name, lang_row[1]), addr),
            "To: Shop <shop@example.test>",
            "Subject: %s" % ew(("Re: " if follow_up else "") + subject, lang_row[1]),
            "Date: %s" % time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(base + i * 60)),
            "Message-ID: %s" % mid,
            "MIME-Version: 1.0",
        ]
        if parent:
            headers += ["In-Reply-To: %s" % parent, "References: %s" % parent]
        kind = rnd.random()
        if kind < 0.1:
            html = "<html><body><p>%s</p></body></html>" % text.replace("\n", "<br>")
            cs, raw = body_bytes(html, "utf-8")
            headers += ["Content-Type: text/html; charset=%s" % cs, "Content-Transfer-Encoding: base64"]
            body = base64.encodebytes(raw)
        elif kind < 0.15:
            cs, raw = body_bytes(text, lang_row[1])
            b = "b%d" % i
            headers += ['Content-Type: multipart/mixed; boundary="%s"' % b]
            att = base64.encodebytes(os.urandom(rnd.randrange(2000, 40000)))
            body = (("--%s\nContent-Type: text/plain; charset=%s\nContent-Transfer-Encoding: quoted-printable\n\n" % (b, cs)).encode()
                    + quopri.encodestring(raw) + ("\n--%s\nContent-Type: image/jpeg\nContent-Disposition: attachment; filename=\"photo%d.jpg\"\nContent-Transfer-Encoding: base64\n\n" % (b, i)).encode()
                    + att + ("--%s--\n" % b).encode())
        else:
            cs, raw = body_bytes(text, lang_row[1])
            cte = rnd.choice(["8bit", "quoted-printable", "base64"])
            headers += ["Content-Type: text/plain; charset=%s" % cs, "Content-Transfer-Encoding: %s" % cte]
            body = raw if cte == "8bit" else quopri.encodestring(raw) if cte == "quoted-printable" else base64.encodebytes(raw)
        msg = ("\n".join(headers) + "\n\n").encode("ascii") + body
        msg = msg.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        fname = "%d.M%dP1.bench,S=%d:2," % (base + i * 60, i, len(msg))
        with open(os.path.join(maildir, "cur", fname), "wb") as f:
            f.write(msg)
        if not follow_up:
            open_threads.append((lang, lang_row[1], subject, mid, name, addr, o))
            if len(open_threads) > 500:
                open_threads.pop(0)


main()
