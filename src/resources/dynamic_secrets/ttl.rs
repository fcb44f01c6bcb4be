//! TTLs as Infisical writes them (`30m`, `1h`; a bare number is milliseconds): read from answers,
//! written into requests, and the bounds the server puts on them.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The shortest TTL the server accepts (it answers 422 below it).
const MIN_TTL: Duration = Duration::from_secs(60);
/// The longest: ten years as the server counts them (365.25 days each).
const MAX_TTL: Duration = Duration::from_secs(10 * 31_557_600);

/// A TTL as Infisical writes it: a number and a unit (`30m`, `1h`, `7d`; a bare number is
/// milliseconds), the grammar of the npm `ms` package the server parses it with.
///
/// ```
/// use std::time::Duration;
/// use infisical_config::resources::dynamic_secrets::Ttl;
///
/// let ttl: Ttl = serde_json::from_str(r#""1.5h""#)?;
/// assert_eq!(ttl.as_str(), "1.5h");
/// assert_eq!(ttl.duration(), Some(Duration::from_secs(5400)));
/// assert_eq!(Ttl::from(Duration::from_secs(5400)).as_str(), "90m");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(transparent)]
pub struct Ttl(String);

impl Ttl {
    /// The text as the server wrote it.
    ///
    /// ```
    /// # use infisical_config::resources::dynamic_secrets::Ttl;
    /// assert_eq!(Ttl::from(std::time::Duration::from_secs(3600)).as_str(), "1h");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The duration it means, or `None` when it is not one (empty, negative, an unknown unit).
    ///
    /// ```
    /// # use infisical_config::resources::dynamic_secrets::Ttl;
    /// # use std::time::Duration;
    /// let parse = |text: &str| serde_json::from_value::<Ttl>(text.into()).unwrap().duration();
    /// assert_eq!(parse("30m"), Some(Duration::from_secs(1800)));
    /// assert_eq!(parse("2 days"), Some(Duration::from_secs(172_800)));
    /// assert_eq!(parse("3600"), Some(Duration::from_millis(3600)));
    /// assert_eq!(parse("soon"), None);
    /// ```
    #[must_use]
    pub fn duration(&self) -> Option<Duration> {
        let text = self.0.trim();
        if text.is_empty() || text.len() > 100 {
            return None;
        }
        let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
        let (number, unit) = text.split_at(split);
        let millis_per_unit: u64 = match unit.trim_start_matches(' ').to_ascii_lowercase().as_str() {
            "" | "ms" | "msec" | "msecs" | "millisecond" | "milliseconds" => 1,
            "s" | "sec" | "secs" | "second" | "seconds" => 1_000,
            "m" | "min" | "mins" | "minute" | "minutes" => 60_000,
            "h" | "hr" | "hrs" | "hour" | "hours" => 3_600_000,
            "d" | "day" | "days" => 86_400_000,
            "w" | "week" | "weeks" => 604_800_000,
            // `ms` counts a year as 365.25 days.
            "y" | "yr" | "yrs" | "year" | "years" => 31_557_600_000,
            _ => return None,
        };
        // Whole numbers exactly; fractions (`1.5h`) to the nearest millisecond.
        if let Ok(whole) = number.parse::<u64>() {
            return whole.checked_mul(millis_per_unit).map(Duration::from_millis);
        }
        let millis = (number.parse::<f64>().ok()? * millis_per_unit as f64).round();
        (millis.is_finite() && millis < u64::MAX as f64).then(|| Duration::from_millis(millis as u64))
    }
}

impl From<Duration> for Ttl {
    /// The duration in its largest whole unit (`d`, `h`, `m`, `s`, else `ms`), to the millisecond.
    fn from(d: Duration) -> Self {
        let millis = d.as_millis();
        let text = [(86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1_000, "s")]
            .into_iter()
            .find(|(unit, _)| millis > 0 && millis.is_multiple_of(*unit))
            .map_or_else(|| format!("{millis}ms"), |(unit, suffix)| format!("{}{suffix}", millis / unit));
        Ttl(text)
    }
}

impl fmt::Display for Ttl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A TTL as sent: refused here when the server would refuse it (422), else with its unit.
pub(super) fn ttl_text(ttl: Duration) -> Result<Ttl> {
    let text = Ttl::from(ttl);
    if ttl < MIN_TTL {
        return Err(Error::invalid("ttl", format!("is {text}; Infisical refuses lease TTLs under 1 minute")));
    }
    if ttl > MAX_TTL {
        return Err(Error::invalid("ttl", format!("is {text}; Infisical refuses lease TTLs over 10 years")));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_format_in_their_largest_whole_unit() {
        for (secs, text) in [(60, "1m"), (90, "90s"), (5400, "90m"), (3600, "1h"), (86_400 * 7, "7d"), (0, "0ms")] {
            assert_eq!(Ttl::from(Duration::from_secs(secs)).as_str(), text, "{secs}");
        }
        assert_eq!(Ttl::from(Duration::from_millis(61_500)).as_str(), "61500ms");
        for secs in [60, 61, 5400, 86_400 * 400] {
            let d = Duration::from_secs(secs);
            assert_eq!(Ttl::from(d).duration(), Some(d), "round trip of {secs} s");
        }
    }

    #[test]
    fn ttls_parse_as_ms_does() {
        let ttl = |t: &str| Ttl(t.into()).duration();
        assert_eq!(ttl("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(ttl("1 H"), Some(Duration::from_secs(3600)));
        assert_eq!(ttl("1y"), Some(Duration::from_secs(31_557_600)));
        assert_eq!(ttl("100"), Some(Duration::from_millis(100)));
        assert_eq!(ttl(".5m"), Some(Duration::from_secs(30)));
        for bad in ["", "-1h", "1 fortnight", "h", "1h30m", "1e3"] {
            assert_eq!(ttl(bad), None, "{bad}");
        }
    }

    #[test]
    fn ttls_under_a_minute_or_over_ten_years_are_refused_before_sending() {
        let err = ttl_text(Duration::from_secs(59)).unwrap_err();
        assert!(matches!(err, Error::InvalidRequest { field: "ttl", .. }), "{err:?}");
        assert_eq!(err.to_string(), "invalid request: `ttl` is 59s; Infisical refuses lease TTLs under 1 minute");
        assert_eq!(ttl_text(Duration::from_secs(60)).unwrap().as_str(), "1m");
        assert_eq!(ttl_text(Duration::from_secs(90)).unwrap().as_str(), "90s", "a unit, never a bare number");
        assert_eq!(ttl_text(Duration::from_secs(90 * 60)).unwrap().as_str(), "90m");
        assert!(ttl_text(MAX_TTL).is_ok());
        assert!(ttl_text(MAX_TTL + Duration::from_secs(1)).unwrap_err().to_string().contains("over 10 years"));
    }
}
