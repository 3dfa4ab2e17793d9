//! The laser bring-up picture: bias current and optical power of every
//! laser lane against time, as SVG (plotters).

use plotters::prelude::*;
use std::path::Path;
use xpo_sim::laser::LaserSample;

/// Draws `trace` (per lane) to `path`; `clock_hz` turns cycles into µs.
pub fn bring_up_svg(path: &Path, trace: &[Vec<LaserSample>], clock_hz: u64) -> anyhow::Result<()> {
    let us = |c: u64| c as f64 * 1e6 / clock_hz as f64;
    let t_end = trace
        .iter()
        .flat_map(|l| l.last())
        .map(|s| us(s.cycle))
        .fold(1.0, f64::max);
    let max_of =
        |f: fn(&LaserSample) -> f64| trace.iter().flatten().map(f).fold(1.0, f64::max) * 1.1;
    let (bias_max, power_max) = (max_of(|s| s.bias_ma), max_of(|s| s.power_mw));
    let root = SVGBackend::new(path, (1000, 720)).into_drawing_area();
    root.fill(&WHITE)?;
    let (top, bottom) = root.split_vertically(360);
    for (area, title, unit, ymax, pick) in [
        (
            &top,
            "Laser bias during bring-up",
            "bias (mA)",
            bias_max,
            (|s: &LaserSample| s.bias_ma) as fn(&LaserSample) -> f64,
        ),
        (
            &bottom,
            "Optical power (monitor photodiode loop, APC)",
            "power (mW)",
            power_max,
            |s: &LaserSample| s.power_mw,
        ),
    ] {
        let mut chart = ChartBuilder::on(area)
            .caption(title, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(32)
            .y_label_area_size(56)
            .build_cartesian_2d(0.0..t_end, 0.0..ymax)?;
        chart
            .configure_mesh()
            .x_desc("time (us)")
            .y_desc(unit)
            .draw()?;
        for (lane, samples) in trace.iter().enumerate() {
            let color = Palette99::pick(lane).to_rgba();
            chart
                .draw_series(LineSeries::new(
                    samples.iter().map(|s| (us(s.cycle), pick(s))),
                    color.stroke_width(2),
                ))?
                .label(format!("laser {lane}"))
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], color));
        }
        chart
            .configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE.mix(0.8))
            .draw()?;
    }
    root.present()?;
    Ok(())
}
