//! The check-digit rules carriers print on their labels, as named in `carriers.toml`.

use serde::Deserialize;

/// One rule with its parameters, as written in the table.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum CheckRule {
    /// Digits (letters as `(code − 3) mod 10`) weighted by position, odd positions by
    /// `odds` and even ones by `evens` counting from 0; the check makes the sum a multiple
    /// of 10. `prefix` is put in front of a serial that lacks it before weighing.
    Mod10 {
        odds: u32,
        evens: u32,
        #[serde(default)]
        prefix: Option<String>,
    },
    /// The serial as a number, modulo 7.
    Mod7,
    /// UPU S10: weights 8 6 4 2 3 5 9 7, modulo 11.
    S10,
    /// Digits times `weights`, then modulo `modulo1` and modulo `modulo2`.
    Weighted {
        weights: Vec<u32>,
        modulo1: u32,
        modulo2: u32,
    },
    /// ISO 7064 MOD 37,36 (DPD's parcel label).
    #[serde(rename = "mod37_36")]
    Mod37_36,
    /// The carrier publishes no check digit: the format alone decides.
    None,
}

impl CheckRule {
    /// Whether `check` is the right check character for `serial`. Both are upper-case
    /// ASCII letters and digits (the caller's pattern saw to that).
    pub fn holds(&self, serial: &str, check: &str) -> bool {
        let Some(check) = single(check) else {
            return matches!(self, CheckRule::None);
        };
        match self {
            CheckRule::Mod10 {
                odds,
                evens,
                prefix,
            } => {
                let with_prefix;
                let serial = match prefix {
                    Some(p) if !serial.starts_with(p.as_str()) => {
                        with_prefix = format!("{p}{serial}");
                        with_prefix.as_str()
                    }
                    _ => serial,
                };
                let total: u32 = serial
                    .chars()
                    .enumerate()
                    .map(|(i, c)| {
                        let value = match c.to_digit(10) {
                            Some(d) => d,
                            None => (c as u32).wrapping_sub(3) % 10,
                        };
                        value * if i % 2 == 1 { *odds } else { *evens }
                    })
                    .sum();
                let rest = total % 10;
                digit(check) == Some(if rest == 0 { 0 } else { 10 - rest })
            }
            CheckRule::Mod7 => {
                let value = serial.chars().try_fold(0u64, |acc, c| {
                    Some((acc * 10 + u64::from(c.to_digit(10)?)) % 7)
                });
                value.is_some() && value.map(|v| v as u32) == digit(check)
            }
            CheckRule::S10 => {
                const WEIGHTS: [u32; 8] = [8, 6, 4, 2, 3, 5, 9, 7];
                let digits: Option<Vec<u32>> = serial.chars().map(|c| c.to_digit(10)).collect();
                let Some(digits) = digits.filter(|d| d.len() == WEIGHTS.len()) else {
                    return false;
                };
                let total: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
                let expected = match total % 11 {
                    0 => 5,
                    1 => 0,
                    r => 11 - r,
                };
                digit(check) == Some(expected)
            }
            CheckRule::Weighted {
                weights,
                modulo1,
                modulo2,
            } => {
                let digits: Option<Vec<u32>> = serial.chars().map(|c| c.to_digit(10)).collect();
                let Some(digits) = digits.filter(|d| d.len() == weights.len()) else {
                    return false;
                };
                if *modulo1 == 0 || *modulo2 == 0 {
                    return false;
                }
                let total: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
                digit(check) == Some(total % modulo1 % modulo2)
            }
            CheckRule::Mod37_36 => mod37_36(serial).is_some_and(|c| c == check),
            CheckRule::None => false,
        }
    }
}

fn single(s: &str) -> Option<char> {
    let mut chars = s.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

fn digit(c: char) -> Option<u32> {
    c.to_digit(10)
}

/// ISO 7064 MOD 37,36 over digits and upper-case letters: the check character.
fn mod37_36(serial: &str) -> Option<char> {
    const M: u32 = 36;
    let mut cd = M;
    for c in serial.chars() {
        let value = c.to_digit(36)?;
        cd += value;
        if cd > M {
            cd -= M;
        }
        cd *= 2;
        if cd > M {
            cd -= M + 1;
        }
    }
    cd = M + 1 - cd;
    if cd == M {
        cd = 0;
    }
    char::from_digit(cd, 36).map(|c| c.to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_on_published_numbers() {
        let ups = CheckRule::Mod10 {
            odds: 2,
            evens: 1,
            prefix: None,
        };
        let smartpost = CheckRule::Mod10 {
            odds: 1,
            evens: 3,
            prefix: Some("92".into()),
        };
        let fedex12 = CheckRule::Weighted {
            weights: vec![3, 1, 7, 3, 1, 7, 3, 1, 7, 3, 1],
            modulo1: 11,
            modulo2: 10,
        };
        let cases: &[(&CheckRule, &str, &str, bool)] = &[
            (&ups, "5R8939035756712", "7", true),
            (&ups, "5R8939035756712", "8", false),
            (&smartpost, "6129999882082117181", "1", true),
            (&CheckRule::Mod7, "331881002", "5", true),
            (&CheckRule::Mod7, "331881001", "0", false),
            (&CheckRule::S10, "12345678", "5", true),
            (&CheckRule::S10, "12345678", "6", false),
            (&CheckRule::S10, "1234567", "5", false),
            (&fedex12, "98657878885", "5", true),
            (&fedex12, "99657878885", "5", false),
            (
                &CheckRule::Mod37_36,
                "008182709980000020033350276",
                "C",
                true,
            ),
            (
                &CheckRule::Mod37_36,
                "008182709980000020033350276",
                "A",
                false,
            ),
            (&CheckRule::None, "123", "4", false),
            (&ups, "5R8939035756712", "77", false),
        ];
        for (rule, serial, check, expected) in cases {
            assert_eq!(
                rule.holds(serial, check),
                *expected,
                "{rule:?} {serial} {check}"
            );
        }
    }
}
