//! Reads criterion's results of `benches/compare.rs` (the mean of each benchmark, from
//! `target/criterion/<group>/<function>/new/estimates.json`), prints one table of the times
//! and the ratios, and draws the ratios to `bench/ratios.svg`.
//!
//! `cargo run --release --manifest-path bench/Cargo.toml --bin table [-- OUT.svg]`

use std::path::{Path, PathBuf};

use plotters::prelude::*;

/// The benchmark groups, in order, with the name the table gives each.
const GROUPS: [(&str, &str); 5] = [
    ("tanh", "tanh (scalar)"),
    ("taylor_sine", "taylor_sine (x = π)"),
    ("logistic", "logistic n=1000 d=10"),
    ("rosenbrock", "rosenbrock n=1000"),
    ("gmm", "GMM d=10 k=10 n=1000"),
];

/// The ratios, as (column heading, numerator, denominator).
const RATIOS: [(&str, &str, &str); 4] = [
    ("generated / primal", "generated_grad", "primal"),
    ("generated / hand", "generated_grad", "hand"),
    ("easy-ml / generated", "easy_ml", "generated_grad"),
    ("num-dual / generated", "num_dual", "generated_grad"),
];

/// The timed functions, as (column heading, benchmark name).
const TIMES: [(&str, &str); 6] = [
    ("primal", "primal"),
    ("hand", "hand"),
    ("_grad", "generated_grad"),
    ("_grad_into", "generated_grad_into"),
    ("easy-ml", "easy_ml"),
    ("num-dual", "num_dual"),
];

fn criterion_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("criterion")
}

/// The mean time in nanoseconds of `group/function`, if criterion has it.
fn mean_ns(dir: &Path, group: &str, function: &str) -> Option<f64> {
    let path = dir.join(group).join(function).join("new/estimates.json");
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["mean"]["point_estimate"].as_f64()
}

fn format_time(ns: Option<f64>) -> String {
    match ns {
        None => "-".to_string(),
        Some(t) if t < 1e3 => format!("{t:.1} ns"),
        Some(t) if t < 1e6 => format!("{:.2} µs", t / 1e3),
        Some(t) if t < 1e9 => format!("{:.2} ms", t / 1e6),
        Some(t) => format!("{:.2} s", t / 1e9),
    }
}

fn format_ratio(r: Option<f64>) -> String {
    match r {
        None => "-".to_string(),
        Some(r) if r < 10.0 => format!("{r:.2}"),
        Some(r) if r < 100.0 => format!("{r:.1}"),
        Some(r) => format!("{r:.0}"),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = criterion_dir();
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("ratios.svg"));

    // times[g][t] and ratios[g][r]
    let times: Vec<Vec<Option<f64>>> = GROUPS
        .iter()
        .map(|(g, _)| TIMES.iter().map(|(_, f)| mean_ns(&dir, g, f)).collect())
        .collect();
    if times.iter().flatten().all(Option::is_none) {
        return Err(format!(
            "no results under {}: run `cargo bench --manifest-path bench/Cargo.toml` first",
            dir.display()
        )
        .into());
    }
    let ratios: Vec<Vec<Option<f64>>> = GROUPS
        .iter()
        .map(|(g, _)| {
            RATIOS
                .iter()
                .map(|(_, a, b)| Some(mean_ns(&dir, g, a)? / mean_ns(&dir, g, b)?))
                .collect()
        })
        .collect();

    println!("Mean times (criterion, {}):", dir.display());
    println!();
    let mut header = "| function |".to_string();
    let mut rule = "|---|".to_string();
    for (name, _) in TIMES {
        header += &format!(" {name} |");
        rule += "---:|";
    }
    println!("{header}\n{rule}");
    for ((_, name), row) in GROUPS.iter().zip(&times) {
        let cells: Vec<String> = row.iter().map(|t| format_time(*t)).collect();
        println!("| {name} | {} |", cells.join(" | "));
    }
    println!();
    println!("Ratios of the means (generated = `_grad`):");
    println!();
    let mut header = "| function |".to_string();
    let mut rule = "|---|".to_string();
    for (name, _, _) in RATIOS {
        header += &format!(" {name} |");
        rule += "---:|";
    }
    println!("{header}\n{rule}");
    for ((_, name), row) in GROUPS.iter().zip(&ratios) {
        let cells: Vec<String> = row.iter().map(|r| format_ratio(*r)).collect();
        println!("| {name} | {} |", cells.join(" | "));
    }

    plot(&out, &ratios)?;
    println!();
    println!("Plot: {}", out.display());
    Ok(())
}

/// Grouped bars, one group per function, one bar per ratio, on a log scale.
fn plot(out: &Path, ratios: &[Vec<Option<f64>>]) -> Result<(), Box<dyn std::error::Error>> {
    let values = ratios.iter().flatten().flatten().copied();
    let lo = values.clone().fold(1.0_f64, f64::min);
    let hi = values.fold(1.0_f64, f64::max);
    let y_range = (10f64.powf(lo.log10().floor()))..(10f64.powf(hi.log10().ceil()));

    let root = SVGBackend::new(out, (960, 540)).into_drawing_area();
    root.fill(&WHITE)?;
    let groups = GROUPS.len();
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "Time ratios: autodiff's generated gradient against the others",
            ("sans-serif", 22),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(60)
        // Function g is centred at x = g, where the mesh puts its labels.
        .build_cartesian_2d(-0.5..groups as f64 - 0.5, y_range.log_scale())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(groups)
        .x_label_formatter(&|x| match GROUPS.get(x.round() as usize) {
            Some((_, name)) if (x - x.round()).abs() < 1e-6 => name.to_string(),
            _ => String::new(),
        })
        .y_desc("ratio of mean times (log scale)")
        .y_label_formatter(&|y| format!("{y}"))
        .draw()?;

    let colours = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
    ];
    let width = 0.8 / RATIOS.len() as f64;
    for (r, ((name, _, _), colour)) in RATIOS.iter().zip(colours).enumerate() {
        let bars = ratios.iter().enumerate().filter_map(|(g, row)| {
            let v = row[r]?;
            let x0 = g as f64 - 0.4 + r as f64 * width;
            let base = chart.y_range().start;
            Some(Rectangle::new(
                [(x0, base), (x0 + width * 0.9, v)],
                colour.filled(),
            ))
        });
        let bars: Vec<_> = bars.collect();
        chart
            .draw_series(bars)?
            .label(*name)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], colour.filled()));
    }
    // The line where a ratio is 1.
    chart.draw_series(LineSeries::new(
        [(-0.5, 1.0), (groups as f64 - 0.5, 1.0)],
        BLACK.stroke_width(1),
    ))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
