//! Well-known mail providers: which servers an address's domain uses, so `shopdesk init`
//! can offer them instead of asking. Pure data and a lookup; nothing here touches the
//! network. An address at a domain not listed (the shop's own domain, usually) gets no
//! defaults, and the servers are asked for.

use super::Security;

/// One server of a provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Endpoint {
    pub host: &'static str,
    pub port: u16,
    pub security: Security,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provider {
    pub name: &'static str,
    /// Every domain that delivers into this provider's mailboxes.
    pub domains: &'static [&'static str],
    pub imap: Endpoint,
    pub smtp: Endpoint,
    /// Whether shopdesk should file the Sent copy itself (false where the server files
    /// what it relays).
    pub save_sent: bool,
    /// What a new user must know to log in; written into the config as a comment.
    pub notes: &'static str,
    /// Sign-in by OAuth2 is what the provider wants (passwords are going, or gone):
    /// `init` offers a token command first.
    pub oauth2_first: bool,
}

const fn tls(host: &'static str, port: u16) -> Endpoint {
    Endpoint {
        host,
        port,
        security: Security::Tls,
    }
}

const fn starttls(host: &'static str, port: u16) -> Endpoint {
    Endpoint {
        host,
        port,
        security: Security::Starttls,
    }
}

pub const PROVIDERS: &[Provider] = &[
    Provider {
        name: "Gmail",
        domains: &["gmail.com", "googlemail.com"],
        imap: tls("imap.gmail.com", 993),
        smtp: tls("smtp.gmail.com", 465),
        save_sent: false,
        notes: "Gmail: sign in with OAuth2 (--oauth2-token-cmd, a token helper such as \
                oama) or with an app password (Google account > Security > 2-Step \
                Verification > App passwords); Gmail files its own Sent copy, so \
                save_sent = false",
        oauth2_first: true,
    },
    Provider {
        name: "Outlook / Microsoft 365",
        domains: &[
            "outlook.com",
            "hotmail.com",
            "live.com",
            "msn.com",
            "passport.com",
            "windowslive.com",
            "hotmail.co.uk",
            "hotmail.de",
            "hotmail.fr",
            "hotmail.it",
            "hotmail.es",
            "hotmail.be",
            "hotmail.nl",
            "outlook.de",
            "outlook.fr",
            "outlook.es",
            "outlook.it",
            "outlook.at",
            "outlook.be",
            "outlook.ie",
            "outlook.com.au",
            "outlook.com.br",
            "outlook.com.tr",
            "outlook.jp",
            "live.co.uk",
            "live.de",
            "live.fr",
            "live.it",
            "live.nl",
            "live.be",
            "live.ca",
            "live.com.au",
        ],
        imap: tls("outlook.office365.com", 993),
        smtp: starttls("smtp.office365.com", 587),
        save_sent: true,
        notes: "Microsoft 365 / Outlook.com: sign in with OAuth2 (--oauth2-token-cmd, a \
                token helper such as oama); a password login works only where the tenant \
                still allows basic authentication",
        oauth2_first: true,
    },
    Provider {
        name: "Yahoo",
        domains: &[
            "yahoo.com",
            "ymail.com",
            "rocketmail.com",
            "yahoo.co.uk",
            "yahoo.de",
            "yahoo.fr",
            "yahoo.es",
            "yahoo.it",
            "yahoo.ca",
            "yahoo.com.au",
            "yahoo.com.br",
            "yahoo.in",
        ],
        imap: tls("imap.mail.yahoo.com", 993),
        smtp: tls("smtp.mail.yahoo.com", 465),
        save_sent: true,
        notes: "Yahoo: log in with an app password (Account security > Generate app password)",
        oauth2_first: false,
    },
    Provider {
        name: "AOL",
        domains: &["aol.com", "aim.com"],
        imap: tls("imap.aol.com", 993),
        smtp: tls("smtp.aol.com", 465),
        save_sent: true,
        notes: "AOL: log in with an app password (Account security > Generate app password)",
        oauth2_first: false,
    },
    Provider {
        name: "iCloud",
        domains: &["icloud.com", "me.com", "mac.com"],
        imap: tls("imap.mail.me.com", 993),
        smtp: starttls("smtp.mail.me.com", 587),
        save_sent: true,
        notes: "iCloud: log in with an app-specific password (account.apple.com > Sign-In \
                and Security > App-Specific Passwords)",
        oauth2_first: false,
    },
    Provider {
        name: "Fastmail",
        domains: &["fastmail.com", "fastmail.fm"],
        imap: tls("imap.fastmail.com", 993),
        smtp: tls("smtp.fastmail.com", 465),
        save_sent: true,
        notes: "Fastmail: log in with an app password (Settings > Privacy & Security > \
                App passwords)",
        oauth2_first: false,
    },
    Provider {
        name: "Zoho",
        domains: &["zoho.com", "zohomail.com"],
        imap: tls("imap.zoho.com", 993),
        smtp: tls("smtp.zoho.com", 465),
        save_sent: true,
        notes: "Zoho: enable IMAP access in the mail settings; with two-factor login use an \
                app-specific password",
        oauth2_first: false,
    },
    Provider {
        name: "Yandex",
        domains: &[
            "yandex.ru",
            "yandex.com",
            "ya.ru",
            "yandex.by",
            "yandex.kz",
            "yandex.ua",
        ],
        imap: tls("imap.yandex.com", 993),
        smtp: tls("smtp.yandex.com", 465),
        save_sent: true,
        notes: "Yandex: allow mail clients (Mail settings > Email clients) and log in with \
                an app password",
        oauth2_first: false,
    },
    Provider {
        name: "Mail.ru",
        domains: &["mail.ru", "bk.ru", "inbox.ru", "list.ru", "internet.ru"],
        imap: tls("imap.mail.ru", 993),
        smtp: tls("smtp.mail.ru", 465),
        save_sent: true,
        notes: "Mail.ru: log in with a password for external applications (Settings > \
                Security)",
        oauth2_first: false,
    },
    Provider {
        name: "GMX",
        domains: &["gmx.de", "gmx.net", "gmx.at", "gmx.ch"],
        imap: tls("imap.gmx.net", 993),
        smtp: tls("mail.gmx.net", 465),
        save_sent: true,
        notes: "GMX: enable POP3/IMAP access in the mail settings first",
        oauth2_first: false,
    },
    Provider {
        name: "GMX (international)",
        domains: &["gmx.com", "gmx.us", "gmx.co.uk", "gmx.fr"],
        imap: tls("imap.gmx.com", 993),
        smtp: tls("mail.gmx.com", 465),
        save_sent: true,
        notes: "GMX: enable POP3/IMAP access in the mail settings first",
        oauth2_first: false,
    },
    Provider {
        name: "WEB.DE",
        domains: &["web.de"],
        imap: tls("imap.web.de", 993),
        smtp: starttls("smtp.web.de", 587),
        save_sent: true,
        notes: "WEB.DE: enable POP3/IMAP access in the mail settings first",
        oauth2_first: false,
    },
    Provider {
        name: "QQ Mail",
        domains: &["qq.com", "foxmail.com", "vip.qq.com"],
        imap: tls("imap.qq.com", 993),
        smtp: tls("smtp.qq.com", 465),
        save_sent: true,
        notes: "QQ Mail: enable the IMAP/SMTP service in the settings and log in with the \
                authorisation code it gives you, not the QQ password",
        oauth2_first: false,
    },
    Provider {
        name: "NetEase 163",
        domains: &["163.com"],
        imap: tls("imap.163.com", 993),
        smtp: tls("smtp.163.com", 465),
        save_sent: true,
        notes: "NetEase: enable the IMAP/SMTP service in the settings and log in with the \
                client authorisation code, not the web password",
        oauth2_first: false,
    },
    Provider {
        name: "NetEase 126",
        domains: &["126.com"],
        imap: tls("imap.126.com", 993),
        smtp: tls("smtp.126.com", 465),
        save_sent: true,
        notes: "NetEase: enable the IMAP/SMTP service in the settings and log in with the \
                client authorisation code, not the web password",
        oauth2_first: false,
    },
    Provider {
        name: "NetEase Yeah",
        domains: &["yeah.net"],
        imap: tls("imap.yeah.net", 993),
        smtp: tls("smtp.yeah.net", 465),
        save_sent: true,
        notes: "NetEase: enable the IMAP/SMTP service in the settings and log in with the \
                client authorisation code, not the web password",
        oauth2_first: false,
    },
];

/// The provider serving `email`'s domain (case and surrounding space ignored), if known.
pub fn for_address(email: &str) -> Option<&'static Provider> {
    let (_, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    PROVIDERS
        .iter()
        .find(|p| p.domains.iter().any(|d| *d == domain))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_find_their_provider_by_domain() {
        /// name, IMAP host and port, SMTP host, port and security
        type Servers = (&'static str, &'static str, u16, &'static str, u16, Security);
        #[rustfmt::skip]
        let cases: &[(&str, Option<Servers>)] = &[
            ("shop@gmail.com", Some(("Gmail", "imap.gmail.com", 993, "smtp.gmail.com", 465, Security::Tls))),
            ("Shop@GoogleMail.com", Some(("Gmail", "imap.gmail.com", 993, "smtp.gmail.com", 465, Security::Tls))),
            ("a@hotmail.com", Some(("Outlook / Microsoft 365", "outlook.office365.com", 993, "smtp.office365.com", 587, Security::Starttls))),
            ("a@live.com", Some(("Outlook / Microsoft 365", "outlook.office365.com", 993, "smtp.office365.com", 587, Security::Starttls))),
            ("a@outlook.com", Some(("Outlook / Microsoft 365", "outlook.office365.com", 993, "smtp.office365.com", 587, Security::Starttls))),
            ("a@yahoo.com", Some(("Yahoo", "imap.mail.yahoo.com", 993, "smtp.mail.yahoo.com", 465, Security::Tls))),
            ("a@icloud.com", Some(("iCloud", "imap.mail.me.com", 993, "smtp.mail.me.com", 587, Security::Starttls))),
            ("a@me.com", Some(("iCloud", "imap.mail.me.com", 993, "smtp.mail.me.com", 587, Security::Starttls))),
            ("a@mac.com", Some(("iCloud", "imap.mail.me.com", 993, "smtp.mail.me.com", 587, Security::Starttls))),
            ("a@fastmail.com", Some(("Fastmail", "imap.fastmail.com", 993, "smtp.fastmail.com", 465, Security::Tls))),
            ("a@yandex.ru", Some(("Yandex", "imap.yandex.com", 993, "smtp.yandex.com", 465, Security::Tls))),
            ("a@ya.ru", Some(("Yandex", "imap.yandex.com", 993, "smtp.yandex.com", 465, Security::Tls))),
            ("a@mail.ru", Some(("Mail.ru", "imap.mail.ru", 993, "smtp.mail.ru", 465, Security::Tls))),
            ("a@bk.ru", Some(("Mail.ru", "imap.mail.ru", 993, "smtp.mail.ru", 465, Security::Tls))),
            ("a@inbox.ru", Some(("Mail.ru", "imap.mail.ru", 993, "smtp.mail.ru", 465, Security::Tls))),
            ("a@list.ru", Some(("Mail.ru", "imap.mail.ru", 993, "smtp.mail.ru", 465, Security::Tls))),
            ("a@gmx.de", Some(("GMX", "imap.gmx.net", 993, "mail.gmx.net", 465, Security::Tls))),
            ("a@gmx.net", Some(("GMX", "imap.gmx.net", 993, "mail.gmx.net", 465, Security::Tls))),
            ("a@gmx.com", Some(("GMX (international)", "imap.gmx.com", 993, "mail.gmx.com", 465, Security::Tls))),
            ("a@web.de", Some(("WEB.DE", "imap.web.de", 993, "smtp.web.de", 587, Security::Starttls))),
            ("a@qq.com", Some(("QQ Mail", "imap.qq.com", 993, "smtp.qq.com", 465, Security::Tls))),
            ("a@163.com", Some(("NetEase 163", "imap.163.com", 993, "smtp.163.com", 465, Security::Tls))),
            ("a@126.com", Some(("NetEase 126", "imap.126.com", 993, "smtp.126.com", 465, Security::Tls))),
            (" a@gmail.com. ", Some(("Gmail", "imap.gmail.com", 993, "smtp.gmail.com", 465, Security::Tls))),
            // the shop's own domain, look-alikes and non-addresses: no defaults
            ("support@nordicboots.se", None),
            ("a@mail.gmail.com", None),
            ("a@notgmail.com", None),
            ("gmail.com", None),
            ("", None),
        ];
        for (email, want) in cases {
            let got = for_address(email).map(|p| {
                (
                    p.name,
                    p.imap.host,
                    p.imap.port,
                    p.smtp.host,
                    p.smtp.port,
                    p.smtp.security,
                )
            });
            assert_eq!(got, *want, "{email:?}");
        }
        // Country domains and older brands go where their mailboxes live.
        #[rustfmt::skip]
        let brands: &[(&str, &str)] = &[
            ("hotmail.co.uk", "Outlook / Microsoft 365"), ("hotmail.de", "Outlook / Microsoft 365"),
            ("hotmail.fr", "Outlook / Microsoft 365"), ("hotmail.it", "Outlook / Microsoft 365"),
            ("hotmail.es", "Outlook / Microsoft 365"), ("outlook.de", "Outlook / Microsoft 365"),
            ("outlook.fr", "Outlook / Microsoft 365"), ("live.co.uk", "Outlook / Microsoft 365"),
            ("live.de", "Outlook / Microsoft 365"), ("live.fr", "Outlook / Microsoft 365"),
            ("msn.com", "Outlook / Microsoft 365"),
            ("yahoo.co.uk", "Yahoo"), ("yahoo.de", "Yahoo"), ("yahoo.fr", "Yahoo"),
            ("yahoo.es", "Yahoo"), ("yahoo.it", "Yahoo"), ("ymail.com", "Yahoo"),
            ("rocketmail.com", "Yahoo"),
            ("googlemail.com", "Gmail"), ("me.com", "iCloud"), ("mac.com", "iCloud"),
            ("gmx.de", "GMX"), ("gmx.at", "GMX"), ("gmx.ch", "GMX"), ("gmx.net", "GMX"),
            ("yandex.com", "Yandex"), ("yandex.ru", "Yandex"),
            ("bk.ru", "Mail.ru"), ("inbox.ru", "Mail.ru"), ("list.ru", "Mail.ru"),
            ("foxmail.com", "QQ Mail"), ("126.com", "NetEase 126"), ("yeah.net", "NetEase Yeah"),
            ("aim.com", "AOL"),
            // Yahoo Japan is another service, with servers of its own.
            ("yahoo.co.jp", ""),
        ];
        for (domain, want) in brands {
            let got = for_address(&format!("shop@{}", domain.to_uppercase())).map(|p| p.name);
            assert_eq!(got.unwrap_or(""), *want, "{domain}");
        }
    }

    #[test]
    fn oauth2_is_offered_first_where_passwords_are_going() {
        for (email, want) in [
            ("a@gmail.com", true),
            ("a@outlook.com", true),
            ("a@hotmail.de", true),
            ("a@fastmail.com", false),
            ("a@yahoo.com", false),
        ] {
            assert_eq!(
                for_address(email).map(|p| p.oauth2_first),
                Some(want),
                "{email}"
            );
        }
    }

    #[test]
    fn gmail_files_its_own_sent_copy() {
        assert_eq!(for_address("a@gmail.com").map(|p| p.save_sent), Some(false));
        assert_eq!(
            for_address("a@fastmail.com").map(|p| p.save_sent),
            Some(true)
        );
    }

    #[test]
    fn every_domain_belongs_to_one_provider() {
        let mut seen = std::collections::HashSet::new();
        for p in PROVIDERS {
            assert!(!p.notes.is_empty(), "{}", p.name);
            for d in p.domains {
                assert!(seen.insert(*d), "{d} listed twice");
                assert_eq!(*d, d.to_ascii_lowercase(), "{d}");
            }
        }
    }
}
