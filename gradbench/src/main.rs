//! A GradBench tool: reads the protocol's messages, one JSON object a line, on stdin, and
//! answers each with one JSON line on stdout. The evals are in `evals/`, each written as
//! plain Rust with `#[differentiable]`; every derivative comes from the generated functions.

mod evals;
mod runs;

use serde_json::{json, Value};
use std::io::{BufRead, Write};

fn answer(message: &Value) -> Value {
    let id = message.get("id").cloned().unwrap_or(Value::Null);
    let kind = message.get("kind").and_then(Value::as_str).unwrap_or("");
    match kind {
        "start" => json!({ "id": id, "tool": "autodiff" }),
        "define" => {
            let module = message.get("module").and_then(Value::as_str).unwrap_or("");
            match evals::define(module) {
                Ok(()) => json!({ "id": id, "success": true }),
                Err(error) => json!({ "id": id, "success": false, "error": error }),
            }
        }
        "evaluate" => {
            let module = message.get("module").and_then(Value::as_str).unwrap_or("");
            let function = message
                .get("function")
                .and_then(Value::as_str)
                .unwrap_or("");
            let input = message.get("input").cloned().unwrap_or(Value::Null);
            match evals::evaluate(module, function, input) {
                Ok(evaluated) => {
                    let timings: Vec<Value> = evaluated
                        .nanoseconds
                        .iter()
                        .map(|ns| json!({ "name": "evaluate", "nanoseconds": ns }))
                        .collect();
                    json!({
                        "id": id,
                        "success": true,
                        "output": evaluated.output,
                        "timings": timings,
                    })
                }
                Err(error) => json!({ "id": id, "success": false, "error": error }),
            }
        }
        _ => json!({ "id": id }),
    }
}

fn main() {
    let stdin = std::io::stdin();
    let mut stdout = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = match line {
            Ok(line) => line,
            Err(error) => {
                eprintln!("autodiff-gradbench: reading stdin: {error}");
                break;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let message: Value = match serde_json::from_str(&line) {
            Ok(message) => message,
            Err(error) => {
                eprintln!("autodiff-gradbench: not JSON ({error}): {line}");
                continue;
            }
        };
        let response = answer(&message);
        if writeln!(stdout, "{response}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            break;
        }
    }
}
