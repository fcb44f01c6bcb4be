//! Reading a JWT's `exp` claim, without verifying anything.
//!
//! The client only needs to know when a token it was handed stops working, to fail early with a clear
//! error instead of a 403 from the server. The signature is the server's business.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The `exp` of a JWT; `None` when the token is not a JWT or has no `exp` (it never expires).
pub(crate) fn expiry(token: &str) -> Option<SystemTime> {
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    // Some encoders keep '=' padding; the no-pad engine refuses it.
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_f64()?;
    if !exp.is_finite() || exp < 0.0 {
        return None;
    }
    UNIX_EPOCH.checked_add(Duration::from_secs_f64(exp.min(1e11)))
}

/// "3 minutes ago"-style text for error messages.
pub(crate) fn ago(at: SystemTime) -> String {
    match SystemTime::now().duration_since(at) {
        Ok(d) => format!("{} ago", human(d)),
        Err(e) => format!("in {}", human(e.duration())),
    }
}

fn human(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        format!("eyJhbGciOiJIUzI1NiJ9.{}.sig", URL_SAFE_NO_PAD.encode(payload))
    }

    #[test]
    fn reads_exp() {
        let t = expiry(&jwt(r#"{"exp":1797937383}"#)).unwrap();
        assert_eq!(t.duration_since(UNIX_EPOCH).unwrap().as_secs(), 1_797_937_383);
    }

    #[test]
    fn missing_exp_means_no_expiry() {
        assert_eq!(expiry(&jwt(r#"{"iat":1}"#)), None);
    }

    #[test]
    fn non_jwt_has_no_expiry() {
        assert_eq!(expiry("st.abc.def.ghi"), None);
        assert_eq!(expiry("plain"), None);
        assert_eq!(expiry("a.!!!.c"), None);
        assert_eq!(expiry(&jwt(r#"{"exp":"soon"}"#)), None);
        assert_eq!(expiry(&jwt(r#"{"exp":-5}"#)), None);
    }
}
