#!/usr/bin/env python3
"""Fills a Maildir with N shop messages as varied as a real shop's mailbox, deterministic
from a seed (same N and seed, same bytes):

- customers writing in English, German, Swedish, Polish, Czech, Turkish, Russian, Greek,
  Japanese and Chinese, in the charsets their mailers still use: utf-8, us-ascii,
  iso-8859-1/2/5/7/9/15, windows-1250/1251/1252/1253/1254, koi8-r, shift_jis,
  iso-2022-jp, euc-jp, gb2312, gbk, gb18030; 8bit, quoted-printable and base64 bodies;
- plain text, multipart/alternative, HTML-only mail (webmail and form markup), and
  attachments (base64 JPEG/PNG photos and PDF invoices of realistic size, up to 2 MB);
- bounces and delivery reports (multipart/report with the original headers or message),
  auto-replies, and malformed messages: raw 8-bit headers, broken or missing Date and
  Message-ID, unknown charsets, bad encoded-words, unclosed MIME boundaries, header
  garbage, huge recipient lists, a declared charset that lies;
- follow-ups threaded by In-Reply-To/References (some from clients that drop both), with
  quoted history, and a few long threads of dozens of messages.

usage: genmail.py MAILDIR N [SEED]
"""
import base64, os, quopri, random, sys, time

# (code, charsets the mailers use, subjects, body, reply prefix)
LANGS = [
    ("en", ["utf-8", "us-ascii", "windows-1252", "iso-8859-1"],
     ["Where is my order #{o}?", "Wrong size on order {o}", "Refund for order #{o}", "Damaged parcel \u2013 order {o}",
      "Question about delivery", "Can\u2019t log in to my account"],
     "Hello,\n\nI ordered {item} on {day} (order #{o}) and it has still not arrived. Could you check the delivery and send me the tracking number? I\u2019d like a refund if it is lost.\n\nThanks,\n{name}",
     "Re: "),
    ("de", ["iso-8859-15", "windows-1252", "iso-8859-1", "utf-8"],
     ["Wo ist meine Bestellung {o}?", "Falsche Größe – Bestellung {o}", "Rücksendung {o}", "Lieferung beschädigt"],
     "Guten Tag,\n\nich habe am {day} {item} bestellt (Bestellung Nr. {o}), aber das Paket ist noch nicht angekommen. Können Sie mir bitte die Sendungsnummer schicken? Ich möchte die Ware zurückgeben und mein Geld zurück.\n\nMit freundlichen Grüßen\n{name}",
     "AW: "),
    ("sv", ["iso-8859-1", "windows-1252", "utf-8"],
     ["Var är min beställning #{o}?", "Fel storlek på order {o}", "Återbetalning order {o}"],
     "Hej!\n\nJag beställde {item} den {day} (order #{o}) men paketet har inte kommit än. Kan ni kolla leveransen och skicka spårningsnumret? Jag vill ha pengarna tillbaka.\n\nMed vänliga hälsningar,\n{name}",
     "SV: "),
    ("pl", ["iso-8859-2", "windows-1250", "utf-8"],
     ["Gdzie jest moje zamówienie {o}?", "Zły rozmiar – zamówienie {o}", "Zwrot zamówienia {o}"],
     "Dzień dobry,\n\nZamówiłem {item} {day} (zamówienie nr {o}), ale paczka jeszcze nie dotarła. Proszę o numer przesyłki. Chcę zwrócić towar i odzyskać pieniądze.\n\nPozdrawiam serdecznie,\n{name}",
     "Odp: "),
    ("cs", ["iso-8859-2", "windows-1250", "utf-8"],
     ["Kde je moje objednávka {o}?", "Špatná velikost, objednávka {o}", "Vrácení zboží {o}"],
     "Dobrý den,\n\nobjednal jsem {item} dne {day} (objednávka č. {o}), ale zásilka ještě nedorazila. Můžete mi prosím poslat číslo zásilky? Chci zboží vrátit.\n\nS pozdravem\n{name}",
     "Re: "),
    ("tr", ["iso-8859-9", "windows-1254", "utf-8"],
     ["Siparişim nerede? #{o}", "Yanlış beden, sipariş {o}", "İade talebi {o}"],
     "Merhaba,\n\n{day} tarihinde {item} sipariş ettim (sipariş #{o}) ama hâlâ gelmedi. Kargo takip numarasını gönderebilir misiniz? İade etmek istiyorum, paramı geri istiyorum.\n\nTeşekkürler,\n{name}",
     "Ynt: "),
    ("ru", ["koi8-r", "windows-1251", "utf-8", "iso-8859-5"],
     ["Где мой заказ N {o}?", "Неверный размер, заказ {o}", "Возврат заказа {o}"],
     "Здравствуйте!\n\nЯ заказал {item} {day} (заказ N {o}), но он до сих пор не пришёл. Пришлите, пожалуйста, номер отслеживания. Я хочу вернуть товар и получить деньги обратно.\n\nСпасибо,\n{name}",
     "Re: "),
    ("el", ["iso-8859-7", "windows-1253", "utf-8"],
     ["Πού είναι η παραγγελία μου {o};", "Επιστροφή παραγγελίας {o}"],
     "Καλησπέρα,\n\nπαρήγγειλα {item} στις {day} (παραγγελία {o}) αλλά δεν έχει φτάσει ακόμα. Μπορείτε να μου στείλετε τον αριθμό αποστολής; Θέλω να το επιστρέψω.\n\nΕυχαριστώ,\n{name}",
     "ΑΠ: "),
    ("ja", ["iso-2022-jp", "shift_jis", "euc-jp", "utf-8"],
     ["注文{o}はどこですか", "サイズ違い（注文{o}）", "返品について {o}"],
     "お世話になっております。\n\n{day}に{item}を注文しました（注文番号 {o}）が、まだ届いていません。追跡番号を教えていただけますでしょうか。返品して返金をお願いしたいです。\n\nよろしくお願いいたします。\n{name}",
     "Re: "),
    ("zh", ["gb2312", "gbk", "gb18030", "utf-8"],
     ["我的订单 {o} 在哪里？", "尺码不对 订单{o}", "退货申请 {o}"],
     "你好，\n\n我在{day}订购了{item}（订单号 {o}），到现在还没有收到。请告诉我物流单号。我想退货退款。\n\n谢谢，\n{name}",
     "回复："),
]
# How often each language writes (a European shop with customers further away).
LANG_WEIGHTS = [30, 14, 10, 7, 4, 8, 10, 3, 7, 7]
ITEMS = ["a pair of boots", "a rain jacket", "two t-shirts", "a wool scarf", "running shoes", "a backpack",
         "a leather belt", "a down vest"]
NAMES = {
    "en": ["John Smith", "Zoë O'Brien", "Mary-Jane Watson", "Liam Ó Súilleabháin"],
    "de": ["Jürgen Müller", "Anja Weiß", "Björn Größe"],
    "sv": ["Anna Berg", "Åsa Öberg", "Per Ödmark"],
    "pl": ["Łukasz Żółć", "Agnieszka Wiśniewska"],
    "cs": ["Jiří Dvořák", "Zdeňka Nováková"],
    "tr": ["Ayşe Yılmaz", "Mehmet Çelik", "Gülşen Öztürk"],
    "ru": ["Иван Петров", "Ольга Смирнова", "Пётр Ёлкин"],
    "el": ["Γιώργος Παπαδόπουλος", "Ελένη Νικολάου"],
    "ja": ["山田太郎", "佐藤花子", "鈴木一郎"],
    "zh": ["王小明", "李华", "張偉"],
}
DOMAINS = ["example.com", "mail.example.se", "web.example.de", "posta.example.com.tr", "yandex.example.ru",
           "qq.example.cn", "example.co.jp", "wp.example.pl", "seznam.example.cz", "otenet.example.gr",
           "outlook.example.com", "gmail.example.com"]
MAILERS = ["Microsoft Outlook 16.0", "Apple Mail (2.3774)", "Mozilla Thunderbird 128.3",
           "Roundcube Webmail/1.6.9", "YahooMailAndroid/1.0", "Becky! ver. 2.81", "Foxmail 7.2", None]
SHOP = "Shop <shop@example.test>"


def encode(text, cs):
    """The text in charset cs, falling back to utf-8 when cs cannot hold it."""
    try:
        return cs, text.encode(cs)
    except UnicodeEncodeError:
        return "utf-8", text.encode("utf-8")


def ew(rnd, text, cs):
    """An RFC 2047 encoded-word (B or Q), or the text itself when it is ASCII."""
    cs, raw = encode(text, cs)
    if all(b < 128 for b in raw) and b"\x1b" not in raw:
        return text
    if cs == "iso-2022-jp" or rnd.random() < 0.6:
        # Long subjects are split into several encoded-words, as mailers do.
        words, chunk = [], 45
        if cs in ("iso-2022-jp",):
            return "=?%s?B?%s?=" % (cs, base64.b64encode(raw).decode())
        for k in range(0, len(raw), chunk):
            words.append("=?%s?B?%s?=" % (cs, base64.b64encode(raw[k:k + chunk]).decode()))
        return "\r\n ".join(words) if cs.startswith("iso-8859") or cs.startswith("windows") or cs == "koi8-r" \
            else "=?%s?B?%s?=" % (cs, base64.b64encode(raw).decode())
    q = "".join(chr(b) if (48 <= b < 58 or 65 <= b < 91 or 97 <= b < 123) else "_" if b == 32 else "=%02X" % b
                for b in raw)
    return "=?%s?Q?%s?=" % (cs, q)


def qp(raw):
    return quopri.encodestring(raw)


def b64(raw):
    return base64.encodebytes(raw)


def text_part(rnd, text, cs, subtype="plain", cte=None):
    cs, raw = encode(text, cs)
    if cs == "iso-2022-jp":
        cte = "7bit"
    cte = cte or rnd.choice(["8bit", "quoted-printable", "base64", "quoted-printable"])
    if all(b < 128 for b in raw) and cte == "8bit":
        cte = "7bit"
    body = raw if cte in ("8bit", "7bit") else qp(raw) if cte == "quoted-printable" else b64(raw)
    charset = cs if rnd.random() < 0.8 else '"%s"' % cs
    if rnd.random() < 0.1:
        charset = cs.upper()
    hdr = "Content-Type: text/%s; charset=%s\r\nContent-Transfer-Encoding: %s\r\n" % (subtype, charset, cte)
    return hdr.encode(), body


def html_of(rnd, text, style):
    esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    paras = "".join("<p>%s</p>" % p.replace("\n", "<br>\n") for p in esc.split("\n\n"))
    if style == 0:
        return "<html><body>%s</body></html>" % paras
    if style == 1:
        # webmail: inline styles, nested divs, a signature table
        return ("<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html\">"
                "<style>p{margin:0}.sig{color:#888}</style></head><body dir=\"ltr\">"
                "<div style=\"font-family:Calibri,Arial,Helvetica,sans-serif;font-size:12pt;color:rgb(0,0,0)\">"
                + paras + "</div><div><br></div><table class=\"sig\" cellpadding=\"0\"><tr><td>"
                "<img src=\"cid:logo@mail\" width=\"80\" height=\"20\"></td><td>Sent from my phone</td></tr></table>"
                + "<div style=\"display:none\">" + "&nbsp;" * rnd.randrange(10, 200) + "</div></body></html>")
    # a contact form from the shop's web site
    rows = "".join("<tr><th align=\"left\">%s</th><td>%s</td></tr>" % (k, v) for k, v in [
        ("Name", "{name}"), ("Order", "{o}"), ("Topic", "Delivery"), ("Message", paras)])
    return "<html><body><h2>New contact form submission</h2><table border=\"1\">%s</table></body></html>" % rows


def binary(rnd, kind):
    """Attachment bytes of a realistic size: photos are large, invoices smaller."""
    if kind == "jpg":
        size = min(int(rnd.lognormvariate(11.0, 0.9)), 2_000_000)  # median ~60 KB
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rnd.randbytes(size)
    if kind == "png":
        size = min(int(rnd.lognormvariate(10.3, 0.9)), 2_000_000)  # median ~30 KB
        return b"\x89PNG\r\n\x1a\n" + rnd.randbytes(size)
    size = min(int(rnd.lognormvariate(10.2, 0.7)), 1_500_000)  # median ~27 KB
    return b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + rnd.randbytes(size) + b"\n%%EOF\n"


def attachment(rnd, i, k):
    kind = rnd.choice(["jpg", "jpg", "png", "pdf"])
    mime = {"jpg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}[kind]
    fname = {"jpg": "IMG_%04d.JPG" % (i % 10000 + k), "png": "screenshot-%d.png" % k,
             "pdf": "faktura_%d.pdf" % i}[kind]
    if rnd.random() < 0.2:
        fname = "=?utf-8?B?%s?=" % base64.b64encode(("返品_%d.%s" % (k, kind)).encode()).decode()
    hdr = ("Content-Type: %s; name=\"%s\"\r\nContent-Disposition: attachment; filename=\"%s\"\r\n"
           "Content-Transfer-Encoding: base64\r\n" % (mime, fname, fname))
    return hdr.encode(), b64(binary(rnd, kind))


def multipart(subtype, parts, boundary, extra="", close=True):
    out = [b"This is a multi-part message in MIME format.\r\n"]
    for hdr, body in parts:
        out.append(b"\r\n--" + boundary.encode() + b"\r\n" + hdr + b"\r\n" + body)
    if close:
        out.append(b"\r\n--" + boundary.encode() + b"--\r\n")
    hdr = "Content-Type: multipart/%s; boundary=\"%s\"%s\r\n" % (subtype, boundary, extra)
    return hdr.encode(), b"".join(out)


def rfc2822(t):
    return time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(t))


def customer_message(rnd, i, t, lang, thread, follow_up):
    code, charsets, subjects, template, re_prefix = lang
    cs = rnd.choice(charsets)
    o, name, addr, subject, parent, refs, prev_text = thread
    text = template.format(o=o, item=rnd.choice(ITEMS), day=time.strftime("%Y-%m-%d", time.gmtime(t - 86400 * 3)),
                           name=name)
    if follow_up:
        quoted = "\n".join("> " + l for l in prev_text.splitlines()[:60])
        text = rnd.choice(["Any news?", "Still nothing.", "Hello again, I am still waiting.", "?"]) + \
            "\n\n" + name + "\n\nOn " + rfc2822(t - 86400) + ", " + addr + " wrote:\n" + quoted
    mid = "<%d.%x@%s>" % (t, rnd.getrandbits(48), addr.split("@")[1])
    subj = (re_prefix if follow_up else "") + subject
    headers = [
        "Return-Path: <%s>" % addr,
        "Received: from mx.%s (mx.%s [192.0.2.%d]) by mx.example.test with ESMTPS id %x; %s" % (
            addr.split("@")[1], addr.split("@")[1], i % 250, rnd.getrandbits(40), rfc2822(t)),
        "From: %s <%s>" % (ew(rnd, name, cs), addr),
        "To: " + SHOP,
        "Subject: " + ew(rnd, subj, cs),
        "Date: " + rfc2822(t),
        "Message-ID: " + mid,
        "MIME-Version: 1.0",
    ]
    mailer = rnd.choice(MAILERS)
    if mailer:
        headers.append("X-Mailer: " + mailer)
    if parent and rnd.random() > 0.05:  # some clients drop the thread headers
        headers += ["In-Reply-To: " + parent, "References: " + " ".join(refs[-10:] + [parent])]
    kind = rnd.random()
    b = "----=_Part_%d_%x" % (i, rnd.getrandbits(32))
    if kind < 0.50:
        hdr, body = text_part(rnd, text, cs)
    elif kind < 0.72:
        plain = text_part(rnd, text, cs)
        html = text_part(rnd, html_of(rnd, text, rnd.randrange(2)), cs, "html")
        hdr, body = multipart("alternative", [plain, html], b)
    elif kind < 0.92:
        style = rnd.randrange(3)
        html = html_of(rnd, text, style).replace("{name}", name).replace("{o}", str(o))
        hdr, body = text_part(rnd, html, rnd.choice([cs, "utf-8"]), "html")
    else:
        inner = text_part(rnd, text, cs)
        if rnd.random() < 0.4:
            inner = multipart("alternative", [inner, text_part(rnd, html_of(rnd, text, 1), cs, "html")], b + "_alt")
        parts = [inner] + [attachment(rnd, i, k) for k in range(rnd.choice([1, 1, 1, 2, 3]))]
        hdr, body = multipart("mixed", parts, b)
    return headers, hdr, body, mid, text


def bounce(rnd, i, t, orig_to):
    """A delivery status notification for a reply of ours that did not arrive."""
    mid = "<%d.bounce.%x@mx.example.test>" % (t, rnd.getrandbits(32))
    b = "%d.%x/mx.example.test" % (t, rnd.getrandbits(32))
    human = ("This is the mail system at host mx.example.test.\r\n\r\nI'm sorry to have to inform you that your message "
             "could not be delivered to one or more recipients.\r\n\r\n<%s>: host mx.%s said: 550 5.1.1 <%s>: Recipient "
             "address rejected: User unknown in virtual mailbox table\r\n" % (orig_to, orig_to.split("@")[1], orig_to))
    status = ("Reporting-MTA: dns; mx.example.test\r\nArrival-Date: %s\r\n\r\nFinal-Recipient: rfc822; %s\r\n"
              "Action: failed\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\r\n" % (rfc2822(t), orig_to))
    original = ("From: %s\r\nTo: %s\r\nSubject: Re: Your order\r\nDate: %s\r\nMessage-ID: <reply.%d@example.test>\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n\r\nHello, your parcel is on its way.\r\n" % (
                    SHOP, orig_to, rfc2822(t - 30), i))
    parts = [(b"Content-Description: Notification\r\nContent-Type: text/plain; charset=us-ascii\r\n", human.encode()),
             (b"Content-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n", status.encode())]
    if rnd.random() < 0.5:
        parts.append((b"Content-Description: Undelivered Message\r\nContent-Type: message/rfc822\r\n", original.encode()))
    else:
        parts.append((b"Content-Type: text/rfc822-headers\r\n", original.split("\r\n\r\n")[0].encode() + b"\r\n"))
    hdr, body = multipart("report", parts, b, "; report-type=delivery-status")
    headers = ["Return-Path: <>", "From: MAILER-DAEMON@mx.example.test (Mail Delivery System)",
               "To: shop@example.test", "Subject: Undelivered Mail Returned to Sender", "Date: " + rfc2822(t),
               "Message-ID: " + mid, "Auto-Submitted: auto-replied", "MIME-Version: 1.0"]
    return headers, hdr, body


def auto_reply(rnd, t, addr):
    headers = ["From: %s" % addr, "To: " + SHOP, "Subject: Automatic reply: Your order has shipped",
               "Date: " + rfc2822(t), "Message-ID: <%d.%x@%s>" % (t, rnd.getrandbits(40), addr.split("@")[1]),
               "Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All", "Precedence: auto_reply",
               "MIME-Version: 1.0"]
    hdr, body = text_part(rnd, "I am out of the office until Monday and will read your message then.", "us-ascii")
    return headers, hdr, body


def malform(rnd, i, headers, hdr, body):
    """One of the ways real mail is broken."""
    k = rnd.randrange(9)
    if k == 0:  # a raw 8-bit subject, never encoded
        headers = [h for h in headers if not h.startswith("Subject:")]
        subject, cs = rnd.choice([("Заказ не пришёл", "windows-1251"), ("Größe falsch", "iso-8859-1"),
                                  ("Siparişim gelmedi", "utf-8"), ("注文について", "shift_jis")])
        return headers, hdr, body, [b"Subject: " + subject.encode(cs)]
    if k == 1:  # a Date no parser can read, or none
        headers = [h for h in headers if not h.startswith("Date:")]
        if rnd.random() < 0.5:
            headers.append("Date: %d Foo 2026 25:61:99 +9900" % (i % 40))
    elif k == 2:  # no Message-ID
        headers = [h for h in headers if not h.startswith("Message-ID:")]
    elif k == 3:  # unknown charset, broken encoded-word
        headers = [h if not h.startswith("Subject:") else "Subject: =?x-unknown-%d?B?%s?= =?utf-8?B?!!notbase64?=" % (
            i % 7, base64.b64encode(b"Order question").decode()) for h in headers]
        hdr = hdr.replace(b"charset=", b"charset=x-mac-unknown; x=", 1) if b"text/" in hdr else hdr
    elif k == 4:  # an unclosed MIME boundary: the final delimiter never comes
        cut = body.rfind(b"\r\n--")
        if cut > 0 and b"multipart" in hdr:
            body = body[:cut] + b"\r\n"
    elif k == 5:  # header garbage: a line without a colon, a duplicated From
        headers = headers[:3] + ["this line is not a header", headers[2]] + headers[3:]
    elif k == 6:  # a huge Cc list, folded
        cc = ",\r\n\t".join("<person%d@%s>" % (j, DOMAINS[j % len(DOMAINS)]) for j in range(rnd.randrange(50, 300)))
        headers.append("Cc: " + cc)
    elif k == 7:  # the declared charset lies: utf-8 bytes labelled us-ascii
        hdr = b"Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 8bit\r\n"
        body = "Häkkinen says: the parcel never came. Где посылка? 荷物はどこ？\r\n".encode() * rnd.randrange(1, 5)
    else:  # a bare 8-bit display name and overlong header line
        headers = [h for h in headers if not h.startswith("From:")]
        return headers, hdr, body, ["From: ".encode() + "Jürgen Müller".encode("iso-8859-1") + b" <jm%d@web.example.de>" % i,
                                    b"X-Long: " + b"x" * rnd.randrange(1000, 5000)]
    return headers, hdr, body, []


def main():
    maildir, n = sys.argv[1], int(sys.argv[2])
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 42
    rnd = random.Random(seed)
    for d in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(maildir, d), exist_ok=True)
    # A year of mail ending at a fixed moment, so the same seed gives the same bytes.
    end = 1795000000
    step = max(1, 365 * 86400 // max(n, 1))
    base = end - n * step
    open_threads, long_threads = [], []
    total = 0
    for i in range(n):
        t = base + i * step + rnd.randrange(step)
        r = rnd.random()
        raw_extra = []
        if r < 0.04 and open_threads:
            headers, hdr, body = bounce(rnd, i, t, rnd.choice(open_threads)["addr"])
            th = None
        elif r < 0.06 and open_threads:
            headers, hdr, body = auto_reply(rnd, t, rnd.choice(open_threads)["addr"])
            th = None
        else:
            follow_up = open_threads and rnd.random() < 0.32
            if follow_up:
                # Most threads stay short; a few hot ones run to dozens of messages.
                pool = long_threads if long_threads and rnd.random() < 0.15 else open_threads
                th = rnd.choice(pool)
                lang = LANGS[th["lang"]]
                thread = (th["o"], th["name"], th["addr"], th["subject"], th["last"], th["refs"], th["text"])
            else:
                li = rnd.choices(range(len(LANGS)), LANG_WEIGHTS)[0]
                lang = LANGS[li]
                o = 100000 + i
                name = rnd.choice(NAMES[lang[0]])
                addr = "c%d@%s" % (rnd.randrange(n // 3 + 1), rnd.choice(DOMAINS))
                subject = rnd.choice(lang[2]).format(o=o)
                th = {"lang": li, "o": o, "name": name, "addr": addr, "subject": subject, "refs": []}
                thread = (o, name, addr, subject, None, [], "")
            headers, hdr, body, mid, text = customer_message(rnd, i, t, lang, thread, bool(follow_up))
            if follow_up:
                th["refs"] = (th["refs"] + [th["last"]])[-20:]
            th["last"], th["text"] = mid, text
            if not follow_up:
                open_threads.append(th)
                if len(open_threads) > 2000:
                    open_threads.pop(0)
                if rnd.random() < 0.01:
                    long_threads.append(th)
                    if len(long_threads) > 20:
                        long_threads.pop(0)
        if rnd.random() < 0.06:
            headers, hdr, body, raw_extra = malform(rnd, i, headers, hdr, body)
        head = "\r\n".join(headers).encode("utf-8") + b"\r\n"
        for line in raw_extra:
            head += line + b"\r\n"
        msg = head + hdr + b"\r\n" + body
        msg = msg.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        total += len(msg)
        fname = "%d.M%dP1.bench,S=%d:2,%s" % (t, i, len(msg), "S" if rnd.random() < 0.7 else "")
        with open(os.path.join(maildir, "cur", fname), "wb") as f:
            f.write(msg)
    print("%d messages, %d bytes" % (n, total), file=sys.stderr)


main()
