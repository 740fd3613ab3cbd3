//! Repeating a function as the protocol asks (`min_runs`, `min_seconds`), timing each run.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::time::Instant;

/// What an `evaluate` answers: the output and the time of each run, in nanoseconds.
pub struct Evaluated {
    pub output: Value,
    pub nanoseconds: Vec<u128>,
}

/// Reads the eval's input into `T`; the runs' fields are read by [`measure`].
pub fn parse<T: DeserializeOwned>(input: &Value) -> Result<T, String> {
    T::deserialize(input).map_err(|error| format!("bad input: {error}"))
}

/// Runs `f` while `runs < min_runs || elapsed < min_seconds` (at least once), timing each run
/// alone, and answers the output of the last run.
pub fn measure<T: Serialize>(input: &Value, f: impl FnMut() -> T) -> Result<Evaluated, String> {
    measure_with(input, f, |output| {
        serde_json::to_value(output).unwrap_or_else(|error| Value::String(error.to_string()))
    })
}

/// [`measure`], with the output put in the protocol's form by `to_json` (not timed).
pub fn measure_with<T>(
    input: &Value,
    mut f: impl FnMut() -> T,
    to_json: impl FnOnce(&T) -> Value,
) -> Result<Evaluated, String> {
    let min_runs = input
        .get("min_runs")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .max(1);
    let min_seconds = input
        .get("min_seconds")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    let mut nanoseconds = Vec::new();
    let mut elapsed = 0.0;
    let mut output;
    loop {
        let start = Instant::now();
        output = std::hint::black_box(f());
        let ns = start.elapsed().as_nanos();
        nanoseconds.push(ns);
        elapsed += ns as f64 * 1e-9;
        if nanoseconds.len() as u64 >= min_runs && elapsed >= min_seconds {
            break;
        }
    }
    Ok(Evaluated {
        output: to_json(&output),
        nanoseconds,
    })
}
