//! Smithy RPC v2 CBOR for the sandbox: CBOR bodies to and from the JSON
//! values the operations work with, so a CBOR service (CloudWatch) is
//! handled like the JSON ones.
//!
//! Timestamps travel as CBOR tag 1 (epoch seconds). Decoding turns them
//! into plain numbers of seconds; encoding tags the members named in
//! `TIMESTAMP_KEYS` (the operations' timestamp members).

use minicbor::data::{IanaTag, Tag, Type};
use serde_json::{Map, Number, Value};

/// Members whose values (or list items) are timestamps in the answers.
const TIMESTAMP_KEYS: &[&str] = &[
    "Timestamps",
    "Timestamp",
    "StateUpdatedTimestamp",
    "StateTransitionedTimestamp",
    "AlarmConfigurationUpdatedTimestamp",
];

/// Nesting deeper than this is refused (AWS's own parsers stop at 128).
const MAX_DEPTH: u32 = 64;

/// The JSON value of a CBOR request body (`{}` when empty).
pub fn decode(bytes: &[u8]) -> Result<Value, String> {
    if bytes.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let mut d = minicbor::Decoder::new(bytes);
    let v = value(&mut d, 0)?;
    if d.position() != bytes.len() {
        return Err("trailing bytes after the CBOR value".into());
    }
    Ok(v)
}

fn err(e: minicbor::decode::Error) -> String {
    e.to_string()
}

fn value(d: &mut minicbor::Decoder<'_>, depth: u32) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err("CBOR nested too deeply".into());
    }
    Ok(match d.datatype().map_err(err)? {
        Type::Bool => Value::Bool(d.bool().map_err(err)?),
        Type::Null | Type::Undefined => {
            d.skip().map_err(err)?;
            Value::Null
        }
        Type::U8 | Type::U16 | Type::U32 | Type::U64 => Value::from(d.u64().map_err(err)?),
        Type::I8 | Type::I16 | Type::I32 | Type::I64 | Type::Int => {
            Value::from(d.i64().map_err(err)?)
        }
        Type::F16 | Type::F32 | Type::F64 => number(d.f64().map_err(err)?),
        Type::String => Value::String(d.str().map_err(err)?.to_string()),
        Type::StringIndef => {
            let mut s = String::new();
            for part in d.str_iter().map_err(err)? {
                s.push_str(part.map_err(err)?);
            }
            Value::String(s)
        }
        Type::Array | Type::ArrayIndef => {
            let len = d.array().map_err(err)?;
            let mut items = Vec::new();
            match len {
                Some(n) => {
                    for _ in 0..n {
                        items.push(value(d, depth + 1)?);
                    }
                }
                None => {
                    while d.datatype().map_err(err)? != Type::Break {
                        items.push(value(d, depth + 1)?);
                    }
                    d.skip().map_err(err)?;
                }
            }
            Value::Array(items)
        }
        Type::Map | Type::MapIndef => {
            let len = d.map().map_err(err)?;
            let mut map = Map::new();
            let mut entry = |d: &mut minicbor::Decoder<'_>| -> Result<(), String> {
                let key = d.str().map_err(err)?.to_string();
                let v = value(d, depth + 1)?;
                map.insert(key, v);
                Ok(())
            };
            match len {
                Some(n) => {
                    for _ in 0..n {
                        entry(d)?;
                    }
                }
                None => {
                    while d.datatype().map_err(err)? != Type::Break {
                        entry(d)?;
                    }
                    d.skip().map_err(err)?;
                }
            }
            Value::Object(map)
        }
        Type::Tag => {
            let tag = d.tag().map_err(err)?;
            if tag != Tag::from(IanaTag::Timestamp) {
                return Err(format!("unsupported CBOR tag {}", tag.as_u64()));
            }
            match value(d, depth + 1)? {
                n @ Value::Number(_) => n,
                _ => return Err("a timestamp must be a number".into()),
            }
        }
        other => return Err(format!("unsupported CBOR type {other}")),
    })
}

fn number(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// The CBOR body of a JSON answer.
pub fn encode(v: &Value) -> Vec<u8> {
    let mut e = minicbor::Encoder::new(Vec::new());
    put(&mut e, v, false);
    e.into_writer()
}

fn put(e: &mut minicbor::Encoder<Vec<u8>>, v: &Value, timestamp: bool) {
    // Writing to a Vec cannot fail.
    let _ = match v {
        Value::Null => e.null().map(|_| ()),
        Value::Bool(b) => e.bool(*b).map(|_| ()),
        Value::Number(n) if timestamp => e
            .tag(IanaTag::Timestamp)
            .and_then(|e| e.f64(n.as_f64().unwrap_or(0.0)))
            .map(|_| ()),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => e.i64(i).map(|_| ()),
            (None, Some(u)) => e.u64(u).map(|_| ()),
            _ => e.f64(n.as_f64().unwrap_or(0.0)).map(|_| ()),
        },
        Value::String(s) => e.str(s).map(|_| ()),
        Value::Array(items) => {
            let _ = e.array(items.len() as u64);
            for item in items {
                put(e, item, timestamp);
            }
            Ok(())
        }
        Value::Object(map) => {
            let _ = e.map(map.len() as u64);
            for (k, item) in map {
                let _ = e.str(k);
                put(e, item, TIMESTAMP_KEYS.contains(&k.as_str()));
            }
            Ok(())
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn answers_read_back_with_timestamps_as_seconds() {
        let v = json!({"Timestamps": [1.5, 2], "Label": "x", "Values": [0.25, 3], "Ok": true});
        let bytes = encode(&v);
        assert_eq!(
            decode(&bytes).unwrap(),
            json!({"Timestamps": [1.5, 2.0], "Label": "x", "Values": [0.25, 3], "Ok": true})
        );
    }

    #[test]
    fn indefinite_maps_as_the_sdk_writes_them_decode() {
        let mut e = minicbor::Encoder::new(Vec::new());
        e.begin_map().unwrap().str("StartTime").unwrap();
        e.tag(IanaTag::Timestamp).unwrap().f64(10.0).unwrap();
        e.str("Ids")
            .unwrap()
            .begin_array()
            .unwrap()
            .str("a")
            .unwrap()
            .end()
            .unwrap();
        e.end().unwrap();
        let v = decode(&e.into_writer()).unwrap();
        assert_eq!(v, json!({"StartTime": 10.0, "Ids": ["a"]}));
    }

    #[test]
    fn garbage_is_refused() {
        assert!(decode(&[0xff, 0x00]).is_err());
        assert!(decode(&[0x61]).is_err());
    }
}
