//! The filters and tests Tera 1 had and Tera 2 dropped, as Zola 0.22 themes use them.

use tera::{Kwargs, State, Tera, TeraResult, Value};

/// Filters and tests Tera 1 had and Tera 2 dropped, as Zola 0.22 themes use them
/// (the translation in `render::tera1` makes their templates parse).
pub(in crate::render) fn register(tera: &mut Tera) {
    tera.register_test(
        "matching",
        |v: &str, kwargs: Kwargs, _: &State| -> TeraResult<bool> {
            let pat: &str = kwargs.must_get("pat")?;
            let re = regex::Regex::new(pat).map_err(|e| tera::Error::message(format!("matching: {e}")))?;
            Ok(re.is_match(v))
        },
    );
    // Tera 1's `iterable` was an array or an object; Tera 2's takes strings too, so
    // `{% if paths is iterable %}…{% else %}{% set paths = [paths] %}` split a string.
    tera.register_test(
        "tera1_iterable",
        |v: &Value, _: Kwargs, _: &State| -> TeraResult<bool> { Ok(v.is_array() || v.is_map()) },
    );
    tera.register_function("tera1_at", tera1_at);
    tera.register_function("get_random", get_random);
    tera.register_filter("int", int);
    tera.register_filter("as_str", |v: &Value, _: Kwargs, _: &State| match v.as_str() {
        Some(s) => Value::from(s),
        None => Value::from(v.to_string()),
    });
    tera.register_filter("linebreaksbr", |v: &str, _: Kwargs, _: &State| {
        Value::safe_string(&v.replace("\r\n", "<br>").replace('\n', "<br>"))
    });
    tera.register_filter(
        "trim_start_matches",
        |v: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let pat: &str = kwargs.must_get("pat")?;
            Ok(v.trim_start_matches(pat).to_owned())
        },
    );
    tera.register_filter(
        "trim_end_matches",
        |v: &str, kwargs: Kwargs, _: &State| -> TeraResult<String> {
            let pat: &str = kwargs.must_get("pat")?;
            Ok(v.trim_end_matches(pat).to_owned())
        },
    );
    tera.register_filter("addslashes", |v: &str, _: Kwargs, _: &State| {
        v.replace('\\', "\\\\").replace('"', "\\\"").replace('\'', "\\'")
    });
    tera.register_filter("filesizeformat", |v: f64, _: Kwargs, _: &State| filesize(v));
    tera.register_filter(
        "concat",
        |v: &Value, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let with: &Value = kwargs.must_get("with")?;
            let mut items: Vec<Value> = v.as_array().map(|a| a.to_vec()).unwrap_or_default();
            match with.as_array() {
                Some(more) => items.extend(more.iter().cloned()),
                None => items.push(with.clone()),
            }
            Ok(Value::from(items))
        },
    );
    tera.register_filter(
        "slice",
        |v: &Value, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let items = v
                .as_array()
                .ok_or_else(|| tera::Error::message(format!("slice: expected an array, got {}", v.name())))?;
            let len = items.len() as i64;
            // Negative positions count from the end, as in Tera 1.
            let at = |n: i64| (if n < 0 { len + n } else { n }).clamp(0, len) as usize;
            let start = at(kwargs.get::<i64>("start")?.unwrap_or(0));
            let end = at(kwargs.get::<i64>("end")?.unwrap_or(len));
            Ok(Value::from(
                items.get(start..end.max(start)).unwrap_or(&[]).to_vec(),
            ))
        },
    );
    tera.register_filter(
        "map",
        |v: &Value, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let attribute: &str = kwargs.must_get("attribute")?;
            let items = v.as_array().map(|a| a.to_vec()).unwrap_or_default();
            Ok(Value::from(
                items
                    .iter()
                    .filter_map(|item| item.get_from_path(attribute).cloned())
                    .collect::<Vec<_>>(),
            ))
        },
    );
    tera.register_filter(
        "filter",
        |v: &Value, kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            let attribute: &str = kwargs.must_get("attribute")?;
            let wanted: Option<&Value> = kwargs.get("value")?;
            let items = v.as_array().map(|a| a.to_vec()).unwrap_or_default();
            Ok(Value::from(
                items
                    .into_iter()
                    .filter(|item| match (item.get_from_path(attribute), wanted) {
                        (Some(found), Some(wanted)) => found == wanted,
                        // Without a value: the items where the attribute is set and not null.
                        (Some(found), None) => !found.is_none(),
                        (None, _) => false,
                    })
                    .collect::<Vec<_>>(),
            ))
        },
    );
}

/// `tera1_at(of=x, key=k)`, which the translation writes for `x[k]` piped into `default`:
/// the item, or undefined where Tera 1 found nothing (`default` then gives its value),
/// which includes a key of the wrong kind (`""["name"]`), an error in Tera 2.
fn tera1_at(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let of: Value = kwargs.get("of")?.unwrap_or_else(Value::undefined);
    let key: Value = kwargs.get("key")?.unwrap_or_else(Value::undefined);
    let found = match (of.as_map(), of.as_array()) {
        (Some(map), _) => match (key.as_str(), key.as_i64()) {
            (Some(name), _) => map.get(&tera::value::Key::from(name.to_owned())).cloned(),
            (None, Some(n)) => map.get(&tera::value::Key::I64(n)).cloned(),
            (None, None) => None,
        },
        (None, Some(items)) => key
            .as_i64()
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| items.get(i).cloned()),
        (None, None) => None,
    };
    Ok(found.unwrap_or_else(Value::undefined))
}

/// Bytes in the largest unit that keeps the number at least 1, as Tera 1 wrote them.
fn filesize(bytes: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut size = bytes;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{size} {}", UNITS[0])
    } else {
        format!("{size:.2} {}", UNITS[unit])
    }
}

/// `get_random(start=0, end=N)`, as Tera 1 had it, but the same on every build (output is
/// deterministic): the n-th call while rendering a page gives the same number each time,
/// and calls on one page differ. An output is rendered on one thread from start to end,
/// so a count per thread, restarted for each page, orders the calls.
fn get_random(kwargs: Kwargs, state: &State) -> TeraResult<i64> {
    use std::cell::RefCell;
    use std::hash::{Hash, Hasher};
    thread_local! {
        static CALLS: RefCell<(String, u64)> = const { RefCell::new((String::new(), 0)) };
    }
    let start: i64 = kwargs.get("start")?.unwrap_or(0);
    let end: i64 = kwargs.must_get("end")?;
    if end <= start {
        return Err(tera::Error::message(format!(
            "get_random: `end` ({end}) must be above `start` ({start})"
        )));
    }
    let page: String = state.get("current_path")?.unwrap_or_default();
    let n = CALLS.with(|calls| {
        let mut calls = calls.borrow_mut();
        if calls.0 != page {
            *calls = (page.clone(), 0);
        }
        calls.1 += 1;
        calls.1
    });
    let mut h = rustc_hash::FxHasher::default();
    (page.as_str(), n).hash(&mut h);
    Ok(start + (h.finish() % (end - start) as u64) as i64)
}

/// `int` as Tera 1 had it: a float is cut to its whole part (`(617 / 2) | int` is 308,
/// where Tera 2 refuses 308.5); a string is read in `base` (10, or 2, 8, 16 with or
/// without its `0b`/`0o`/`0x`), else `default` if given.
fn int(v: &Value, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let base: u32 = kwargs.get::<i64>("base")?.map_or(10, |b| b.clamp(2, 36) as u32);
    let default: Option<i64> = kwargs.get("default")?;
    if let Some(i) = v.as_i64() {
        return Ok(Value::from(i));
    }
    if let Some(f) = v.as_f64() {
        if f.is_finite() && f.abs() < 9.2e18 {
            return Ok(Value::from(f.trunc() as i64));
        }
    } else if let Some(text) = v.as_str() {
        let text = text.trim();
        let digits = match base {
            2 => text.trim_start_matches("0b").trim_start_matches("0B"),
            8 => text.trim_start_matches("0o").trim_start_matches("0O"),
            16 => text.trim_start_matches("0x").trim_start_matches("0X"),
            _ => text,
        };
        if let Ok(i) = i64::from_str_radix(digits, base) {
            return Ok(Value::from(i));
        }
    }
    match default {
        Some(d) => Ok(Value::from(d)),
        None => Err(tera::Error::message(format!(
            "int: `{v}` is not a number in base {base} (`default=` gives a value for that case)"
        ))),
    }
}
