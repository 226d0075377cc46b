//! Summary statistics for repeated measurements: a [`Figure`] is the median of the timed
//! repeats with its spread (min, max, quartiles). Warm-up runs never reach this file; the
//! caller discards them before handing samples over.

use serde::{Deserialize, Serialize};

/// One benchmark figure: the median over repeats and its spread.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    /// First and third quartiles (linear interpolation between order statistics).
    pub q1: f64,
    pub q3: f64,
    /// Number of timed repeats (warm-up runs excluded).
    pub n: usize,
}

impl Figure {
    /// Summarise `samples`; `None` when there are none or any is not finite.
    pub fn from_samples(samples: &[f64]) -> Option<Figure> {
        if samples.is_empty() || samples.iter().any(|x| !x.is_finite()) {
            return None;
        }
        let mut v = samples.to_vec();
        v.sort_by(f64::total_cmp);
        Some(Figure {
            median: quantile(&v, 0.5),
            min: v[0],
            max: v[v.len() - 1],
            q1: quantile(&v, 0.25),
            q3: quantile(&v, 0.75),
            n: v.len(),
        })
    }

    /// Half the min–max range as a percentage of the median: a quick noise indicator.
    pub fn spread_pct(&self) -> f64 {
        if self.median == 0.0 {
            return 0.0;
        }
        (self.max - self.min) / 2.0 / self.median.abs() * 100.0
    }

    /// `median [min–max]` with a precision that suits the magnitude.
    pub fn display(&self) -> String {
        format!(
            "{} [{}–{}]",
            fmt_num(self.median),
            fmt_num(self.min),
            fmt_num(self.max)
        )
    }
}

/// Quantile `q` of sorted, non-empty `v`, interpolating linearly (numpy's default).
fn quantile(v: &[f64], q: f64) -> f64 {
    let pos = q * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// Three significant digits for small numbers, none after the point for large ones.
pub fn fmt_num(x: f64) -> String {
    let a = x.abs();
    if a >= 100.0 {
        format!("{x:.0}")
    } else if a >= 10.0 {
        format!("{x:.1}")
    } else if a >= 1.0 {
        format!("{x:.2}")
    } else {
        format!("{x:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_quartiles_match_numpy() {
        // numpy.percentile([4, 1, 3, 2], [25, 50, 75]) == [1.75, 2.5, 3.25]
        let f = Figure::from_samples(&[4.0, 1.0, 3.0, 2.0]).unwrap();
        assert_eq!((f.min, f.max, f.n), (1.0, 4.0, 4));
        assert!((f.median - 2.5).abs() < 1e-12);
        assert!((f.q1 - 1.75).abs() < 1e-12);
        assert!((f.q3 - 3.25).abs() < 1e-12);
        let one = Figure::from_samples(&[7.0]).unwrap();
        assert_eq!((one.median, one.q1, one.q3), (7.0, 7.0, 7.0));
    }

    #[test]
    fn empty_or_non_finite_gives_none() {
        assert!(Figure::from_samples(&[]).is_none());
        assert!(Figure::from_samples(&[1.0, f64::NAN]).is_none());
        assert!(Figure::from_samples(&[f64::INFINITY]).is_none());
    }

    #[test]
    fn display_and_spread() {
        let f = Figure::from_samples(&[90.0, 100.0, 110.0]).unwrap();
        assert_eq!(f.display(), "100 [90.0–110]");
        assert!((f.spread_pct() - 10.0).abs() < 1e-9);
        assert_eq!(fmt_num(0.01234), "0.012");
        assert_eq!(fmt_num(-2.5), "-2.50");
    }
}
