//! Opaque pagination tokens. They look like AWS's (`f/…`, `b/…`, long digit
//! strings) but carry a position, so they stay valid while streams grow.

use crate::sandbox::error::ApiError;
use crate::sandbox::logs::store::Key;

/// A GetLogEvents token: read forward from (at or after) a key, or backward
/// from (strictly before) a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    Forward(Key),
    Backward(Key),
}

pub fn key_digits(key: Key) -> String {
    // Timestamps are offset so negative ones still encode as digits.
    let ts = (key.ts as i128 + (1i128 << 63)) as u128;
    format!("{ts:020}{:020}", key.seq)
}

fn parse_key(digits: &str) -> Option<Key> {
    if digits.len() != 40 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let ts: u128 = digits[..20].parse().ok()?;
    let seq: u64 = digits[20..].parse().ok()?;
    let ts = i64::try_from(ts as i128 - (1i128 << 63)).ok()?;
    Some(Key { ts, seq })
}

pub fn invalid_token() -> ApiError {
    ApiError::invalid("The specified nextToken is invalid.")
}

impl Cursor {
    pub fn encode(self) -> String {
        match self {
            Cursor::Forward(k) => format!("f/{}/s", key_digits(k)),
            Cursor::Backward(k) => format!("b/{}/s", key_digits(k)),
        }
    }

    pub fn decode(token: &str) -> Result<Self, ApiError> {
        let (dir, rest) = token.split_at_checked(2).ok_or_else(invalid_token)?;
        let digits = rest.strip_suffix("/s").ok_or_else(invalid_token)?;
        let key = parse_key(digits).ok_or_else(invalid_token)?;
        match dir {
            "f/" => Ok(Cursor::Forward(key)),
            "b/" => Ok(Cursor::Backward(key)),
            _ => Err(invalid_token()),
        }
    }
}

/// A FilterLogEvents token: continue at (or after) a key.
pub fn encode_filter(key: Key) -> String {
    format!("{}{}", "F", key_digits(key))
}

pub fn decode_filter(token: &str) -> Result<Key, ApiError> {
    token
        .strip_prefix('F')
        .and_then(parse_key)
        .ok_or_else(invalid_token)
}

/// A name-keyed token (DescribeLogGroups, DescribeLogStreams): the sort key
/// of the last item returned, hex-encoded.
pub fn encode_name(sort: i64, name: &str) -> String {
    format!("N{sort}/{}", hex::encode(name.as_bytes()))
}

pub fn decode_name(token: &str) -> Result<(i64, String), ApiError> {
    let rest = token.strip_prefix('N').ok_or_else(invalid_token)?;
    let (sort, name) = rest.split_once('/').ok_or_else(invalid_token)?;
    let sort: i64 = sort.parse().map_err(|_| invalid_token())?;
    let bytes = hex::decode(name).map_err(|_| invalid_token())?;
    let name = String::from_utf8(bytes).map_err(|_| invalid_token())?;
    Ok((sort, name))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        for key in [
            Key { ts: 0, seq: 0 },
            Key { ts: -5, seq: 7 },
            Key {
                ts: 1_790_000_000_123,
                seq: u64::MAX,
            },
        ] {
            for c in [Cursor::Forward(key), Cursor::Backward(key)] {
                assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
            }
            assert_eq!(decode_filter(&encode_filter(key)).unwrap(), key);
        }
        assert_eq!(
            decode_name(&encode_name(-3, "a/b c")).unwrap(),
            (-3, "a/b c".to_string())
        );
        assert!(Cursor::decode("f/123").is_err());
        assert!(decode_filter("garbage").is_err());
    }
}
