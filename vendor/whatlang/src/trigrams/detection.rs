use std::sync::OnceLock;

use hashbrown::HashMap;

use super::utils::{TrigramsWithPositions, get_trigrams_with_positions};
use super::{ARABIC_LANGS, CYRILLIC_LANGS, DEVANAGARI_LANGS, HEBREW_LANGS, LATIN_LANGS};
#[cfg(test)]
use super::LangProfile;
use super::LangProfileList;
use super::{MAX_TOTAL_DISTANCE, MAX_TRIGRAM_DISTANCE, Trigram};
use crate::Lang;
use crate::core::{FilterList, Info, InternalQuery, Text, calculate_confidence};
use crate::scripts::grouping::MultiLangScript;

#[derive(Debug)]
pub struct RawOutcome {
    pub trigrams_count: usize,
    #[allow(dead_code)]
    pub raw_distances: Vec<(Lang, u32)>,
    pub scores: Vec<(Lang, f64)>,
}

#[inline]
pub fn detect(iquery: &InternalQuery) -> Option<Info> {
    let raw_outcome = raw_detect(iquery);
    let RawOutcome {
        trigrams_count,
        scores,
        ..
    } = raw_outcome;

    let mut raw_scores_iter = scores.into_iter();

    let opt_lang_score1 = raw_scores_iter.next();
    let opt_lang_score2 = raw_scores_iter.next();

    // TODO: Logic is duplicated in alphabets. Consider refactoring
    opt_lang_score1.map(|(lang1, score1)| {
        let script = iquery.multi_lang_script.to_script();
        let confidence = if let Some((_, score2)) = opt_lang_score2 {
            calculate_confidence(score1, score2, trigrams_count)
        } else {
            1.0
        };
        Info::new(script, lang1, confidence)
    })
}

#[inline]
pub fn raw_detect(iquery: &InternalQuery) -> RawOutcome {
    let lang_profile_list = script_to_lang_profile_list(iquery.multi_lang_script);
    let index = profile_index(iquery.multi_lang_script);
    calculate_scores_in_profiles(&iquery.text, iquery.filter_list, lang_profile_list, index)
}

/// A script's profiles indexed by trigram: for each trigram, the languages whose profile
/// holds it (their place in the script's list) and its rank in each profile.
struct ProfileIndex {
    by_trigram: HashMap<Trigram, Vec<(usize, usize)>>,
}

fn profile_index(script: MultiLangScript) -> &'static ProfileIndex {
    use MultiLangScript as MLS;
    static INDEXES: [OnceLock<ProfileIndex>; 5] = [const { OnceLock::new() }; 5];
    let slot = match script {
        MLS::Latin => 0,
        MLS::Cyrillic => 1,
        MLS::Arabic => 2,
        MLS::Devanagari => 3,
        MLS::Hebrew => 4,
    };
    INDEXES[slot].get_or_init(|| {
        let mut by_trigram: HashMap<Trigram, Vec<(usize, usize)>> = HashMap::new();
        for (lang_place, &(_, profile)) in script_to_lang_profile_list(script).iter().enumerate() {
            for (rank, &trigram) in profile.iter().enumerate() {
                by_trigram.entry(trigram).or_default().push((lang_place, rank));
            }
        }
        ProfileIndex { by_trigram }
    })
}

fn script_to_lang_profile_list(script: MultiLangScript) -> LangProfileList {
    use MultiLangScript as MLS;
    match script {
        MLS::Latin => LATIN_LANGS,
        MLS::Cyrillic => CYRILLIC_LANGS,
        MLS::Arabic => ARABIC_LANGS,
        MLS::Devanagari => DEVANAGARI_LANGS,
        MLS::Hebrew => HEBREW_LANGS,
    }
}

#[inline]
fn calculate_scores_in_profiles(
    text: &Text,
    filter_list: &FilterList,
    lang_profile_list: LangProfileList,
    index: &ProfileIndex,
) -> RawOutcome {
    let mut lang_distances: Vec<(Lang, u32)> = vec![];

    let TrigramsWithPositions {
        trigram_positions, ..
    } = get_trigrams_with_positions(&text.lowercase());
    let unique_trigrams_count = trigram_positions.len();

    // Every profile trigram the text lacks is MAX_TRIGRAM_DISTANCE away; one it has is as
    // far as its rank in the text is from its rank in the profile. The sums are made from
    // the text's trigrams, a lookup each, instead of from every profile's.
    let mut sums: Vec<i64> = lang_profile_list
        .iter()
        .map(|&(_, profile)| profile.len() as i64 * i64::from(MAX_TRIGRAM_DISTANCE))
        .collect();
    for (trigram, &n) in &trigram_positions {
        if let Some(places) = index.by_trigram.get(trigram) {
            for &(lang_place, rank) in places {
                let dist = (n as i32 - rank as i32).unsigned_abs();
                sums[lang_place] += i64::from(dist) - i64::from(MAX_TRIGRAM_DISTANCE);
            }
        }
    }

    for (lang_place, &(lang, _)) in lang_profile_list.iter().enumerate() {
        if !filter_list.is_allowed(lang) {
            continue;
        }
        let dist = finish_distance(sums[lang_place] as u32, &trigram_positions);
        lang_distances.push(((lang), dist));
    }

    // Sort languages by distance
    lang_distances.sort_unstable_by_key(|(_, dist)| *dist);

    let max_dist = unique_trigrams_count as u32 * MAX_TRIGRAM_DISTANCE;

    let raw_scores = lang_distances
        .iter()
        .map(|&(lang, distance)| (lang, distance_to_raw_score(distance, max_dist)))
        .collect();

    RawOutcome {
        trigrams_count: unique_trigrams_count,
        scores: raw_scores,
        raw_distances: lang_distances,
    }
}

/// The published distance, for the tests below: the sum over the profile's trigrams.
#[cfg(test)]
fn calculate_distance(lang_trigrams: LangProfile, text_trigrams: &HashMap<Trigram, u32>) -> u32 {
    let mut total_dist = 0u32;

    for (i, &trigram) in lang_trigrams.iter().enumerate() {
        let dist = match text_trigrams.get(&trigram) {
            Some(&n) => (n as i32 - i as i32).unsigned_abs(),
            None => MAX_TRIGRAM_DISTANCE,
        };
        total_dist += dist;
    }

    finish_distance(total_dist, text_trigrams)
}

/// The published distance's last steps, on the sum over the profile's trigrams.
#[inline]
fn finish_distance(mut total_dist: u32, text_trigrams: &HashMap<Trigram, u32>) -> u32 {
    let count = text_trigrams.len() as u32;

    if MAX_TRIGRAM_DISTANCE > count {
        let delta = MAX_TRIGRAM_DISTANCE - count;
        total_dist -= delta * MAX_TRIGRAM_DISTANCE;
    }

    total_dist.clamp(0, MAX_TOTAL_DISTANCE)
}

#[inline]
fn distance_to_raw_score(distance: u32, max_distance: u32) -> f64 {
    let similarity = max_distance - distance;
    similarity as f64 / max_distance as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_when_german_is_given() {
        let text = "Die Ordnung muss für immer in diesem Codebase bleiben";
        let iq = InternalQuery {
            text: Text::new(text),
            filter_list: &FilterList::default(),
            multi_lang_script: MultiLangScript::Latin,
        };
        let raw_outcome = raw_detect(&iq);

        assert_eq!(raw_outcome.trigrams_count, 50);

        let &(first_lang, first_score) = raw_outcome.scores.first().unwrap();
        let &(_last_lang, last_score) = raw_outcome.scores.last().unwrap();

        assert_eq!(first_lang, Lang::Deu);

        assert!(first_score >= 0.0);
        assert!(first_score <= 1.0);

        assert!(last_score >= 0.0);
        assert!(last_score <= 1.0);
    }
}
