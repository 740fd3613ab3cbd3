//! autograd's tanh example: plots tanh and its derivative, from the generated `tanh_grad`,
//! over 200 points in [-7, 7], to `examples/tanh_plot.svg`.
//!
//! Run: `cargo run --release --example tanh_plot`

use autodiff::prelude::*;
use plotters::prelude::*;

const OUT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/tanh_plot.svg");

#[differentiable]
fn tanh(x: f64) -> f64 {
    let y = (-2.0 * x).exp();
    (1.0 - y) / (1.0 + y)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // np.linspace(-7, 7, 200)
    let xs: Vec<f64> = (0..200).map(|i| -7.0 + 14.0 * i as f64 / 199.0).collect();

    let root = SVGBackend::new(OUT, (1000, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut chart = ChartBuilder::on(&root)
        .caption("tanh and its derivative", ("sans-serif", 24))
        .margin(15)
        .x_label_area_size(35)
        .y_label_area_size(45)
        .build_cartesian_2d(-7.0..7.0, -1.1..1.1)?;
    chart
        .configure_mesh()
        .x_desc("x")
        .x_label_formatter(&|x: &f64| format!("{x:.0}"))
        // Labels of values that round to zero print as "0.0", not "-0.0".
        .y_label_formatter(&|y: &f64| format!("{:.1}", if y.abs() < 1e-9 { 0.0 } else { *y }))
        .draw()?;

    chart
        .draw_series(LineSeries::new(
            xs.iter().map(|&x| (x, tanh(x))),
            BLUE.stroke_width(2),
        ))?
        .label("tanh(x)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    chart
        .draw_series(LineSeries::new(
            xs.iter().map(|&x| (x, tanh_grad(x))),
            RED.stroke_width(2),
        ))?
        .label("d tanh/dx (tanh_grad)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], RED.stroke_width(2)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    println!("Wrote examples/tanh_plot.svg");
    Ok(())
}
