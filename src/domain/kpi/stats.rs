//! Order statistics and shares over plain numbers, defined once so every figure in a report
//! uses the same definitions.

/// The middle value of `values`; for an even count, the mean of the two middle values,
/// rounded down. `None` when there are no values.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    if n % 2 == 1 {
        Some(values[n / 2])
    } else {
        let (a, b) = (values[n / 2 - 1], values[n / 2]);
        Some(a + (b - a).div_euclid(2))
    }
}

/// The `p`-th percentile by nearest rank: the smallest value with at least `p` % of the values
/// at or below it, that is the value at 1-based rank ⌈p/100 · n⌉ in ascending order (rank 1
/// for `p` = 0). Always one of the values, never an interpolation. `None` when there are none.
pub fn percentile(values: &mut [i64], p: u8) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    let rank = (usize::from(p.min(100)) * n).div_ceil(100).max(1);
    values.get(rank - 1).copied()
}

/// `part / whole`, or `None` when `whole` is zero (a rate of nothing is not 0 %).
pub fn share(part: u64, whole: u64) -> Option<f64> {
    // counts stay far below 2^52, where u64 → f64 is exact
    (whole > 0).then(|| part as f64 / whole as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_percentiles() {
        // (values, median, p90)
        let cases: Vec<(Vec<i64>, Option<i64>, Option<i64>)> = vec![
            (vec![], None, None),
            (vec![7], Some(7), Some(7)),
            (vec![30, 10], Some(20), Some(30)),
            (vec![3, 1, 2], Some(2), Some(3)),
            (vec![1, 2, 3, 4], Some(2), Some(4)),
            (vec![1, 4], Some(2), Some(4)),
            // ten values: p90 is the 9th, not the largest
            ((1..=10).map(|x| x * 60).collect(), Some(330), Some(540)),
            // eleven values: ⌈9.9⌉ = 10th
            ((1..=11).collect(), Some(6), Some(10)),
        ];
        for (values, med, p90) in cases {
            assert_eq!(median(&mut values.clone()), med, "median {values:?}");
            assert_eq!(percentile(&mut values.clone(), 90), p90, "p90 {values:?}");
        }
        assert_eq!(percentile(&mut [5, 1, 9], 0), Some(1));
        assert_eq!(percentile(&mut [5, 1, 9], 100), Some(9));
        assert_eq!(percentile(&mut [5, 1, 9], 50), Some(5));
    }

    #[test]
    fn shares() {
        assert_eq!(share(1, 4), Some(0.25));
        assert_eq!(share(0, 3), Some(0.0));
        assert_eq!(share(0, 0), None);
    }
}
