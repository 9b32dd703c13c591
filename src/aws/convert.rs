//! Small conversions shared by the SDK → domain mappers.

use aws_smithy_types::DateTime;

use crate::domain::{Tag, Timestamp};

pub(crate) fn ts(d: Option<&DateTime>) -> Option<Timestamp> {
    d.and_then(|d| d.to_millis().ok())
        .map(Timestamp::from_millis)
}

pub(crate) fn s(v: Option<&str>) -> String {
    v.unwrap_or_default().to_string()
}

pub(crate) fn tag(key: Option<&str>, value: Option<&str>) -> Tag {
    Tag {
        key: s(key),
        value: s(value),
    }
}
