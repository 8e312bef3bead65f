//! SASL for OAuth2 sign-in, shared by IMAP and SMTP: which mechanism to use, the initial
//! client response (XOAUTH2, and OAUTHBEARER per RFC 7628), and what the server's error
//! challenge says when it turns a token down.

use crate::config::OAuth2Mechanism;

impl OAuth2Mechanism {
    /// The name on the wire (`AUTHENTICATE X`, `AUTH X`).
    pub fn name(self) -> &'static str {
        match self {
            OAuth2Mechanism::Xoauth2 => "XOAUTH2",
            OAuth2Mechanism::Oauthbearer => "OAUTHBEARER",
        }
    }

    /// What the client sends after an error challenge, so the server ends the exchange
    /// with its failure reply: empty for XOAUTH2, a lone ^A for OAUTHBEARER (RFC 7628 §3.2.3).
    pub fn abort_response(self) -> &'static [u8] {
        match self {
            OAuth2Mechanism::Xoauth2 => b"",
            OAuth2Mechanism::Oauthbearer => b"\x01",
        }
    }
}

/// The configured mechanism, else OAUTHBEARER when the server advertises it, else XOAUTH2
/// (what Gmail and Microsoft 365 take, also when a server does not list it).
pub fn choose(configured: Option<OAuth2Mechanism>, offers_oauthbearer: bool) -> OAuth2Mechanism {
    match configured {
        Some(m) => m,
        None if offers_oauthbearer => OAuth2Mechanism::Oauthbearer,
        None => OAuth2Mechanism::Xoauth2,
    }
}

/// The initial client response, before base64.
pub fn initial_response(mechanism: OAuth2Mechanism, user: &str, token: &str) -> String {
    match mechanism {
        OAuth2Mechanism::Xoauth2 => format!("user={user}\x01auth=Bearer {token}\x01\x01"),
        OAuth2Mechanism::Oauthbearer => {
            // RFC 5801 GS2 header: the authzid's ',' and '=' are escaped.
            let authzid = user.replace('=', "=3D").replace(',', "=2C");
            format!("n,a={authzid},\x01auth=Bearer {token}\x01\x01")
        }
    }
}

/// A short account of a server's error challenge (`{"status":"401",...}` in JSON), for the
/// error message; None when it says nothing useful. Only the status is kept: the rest is
/// the server's, unbounded, and may carry anything.
pub fn describe_challenge(challenge: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(challenge).ok()?;
    let status = v.get("status")?;
    let status = status
        .as_str()
        .map(str::to_string)
        .or_else(|| status.as_u64().map(|n| n.to_string()))?;
    if status.is_empty()
        || status.len() > 16
        || !status
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return None;
    }
    Some(format!("token status {status}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use OAuth2Mechanism::{Oauthbearer, Xoauth2};

    #[test]
    fn mechanism_choice() {
        // (configured, server offers OAUTHBEARER, chosen)
        for (configured, offers, want) in [
            (None, true, Oauthbearer),
            (None, false, Xoauth2),
            (Some(Xoauth2), true, Xoauth2),
            (Some(Oauthbearer), false, Oauthbearer),
        ] {
            assert_eq!(choose(configured, offers), want, "{configured:?} {offers}");
        }
    }

    #[test]
    fn initial_responses() {
        for (mechanism, user, want) in [
            (
                Xoauth2,
                "shop@example.test",
                "user=shop@example.test\x01auth=Bearer T\x01\x01",
            ),
            (
                Oauthbearer,
                "shop@example.test",
                "n,a=shop@example.test,\x01auth=Bearer T\x01\x01",
            ),
            (
                Oauthbearer,
                "a,b=c",
                "n,a=a=2Cb=3Dc,\x01auth=Bearer T\x01\x01",
            ),
        ] {
            assert_eq!(initial_response(mechanism, user, "T"), want, "{user}");
        }
    }

    #[test]
    fn error_challenges() {
        for (challenge, want) in [
            (
                &br#"{"status":"401","schemes":"bearer","scope":"mail"}"#[..],
                Some("token status 401"),
            ),
            (
                br#"{"status":"invalid_token"}"#,
                Some("token status invalid_token"),
            ),
            (br#"{"status":400}"#, Some("token status 400")),
            (br#"{"status":"\u001b[2J"}"#, None),
            (b"not json", None),
            (b"", None),
        ] {
            assert_eq!(describe_challenge(challenge).as_deref(), want);
        }
    }
}
