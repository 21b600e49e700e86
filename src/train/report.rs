//! What a person looks at during a run: a grid of (input | generated | target) samples and
//! the loss curves, both PNGs in the run directory.

use image::{Rgb, RgbImage, imageops};
use tiny_skia::{Paint, PathBuilder, Pixmap, Stroke, Transform};

use super::pix2pix::Losses;

/// A `[3, s, s]` tensor in [-1, 1] as an image (the reference's `tensor2im`).
pub fn to_image(planes: &[f32], size: u32) -> RgbImage {
    let plane = (size * size) as usize;
    RgbImage::from_fn(size, size, |x, y| {
        let i = (y * size + x) as usize;
        let byte = |c: usize| ((planes[c * plane + i] + 1.0) / 2.0 * 255.0).clamp(0.0, 255.0) as u8;
        Rgb([byte(0), byte(1), byte(2)])
    })
}

/// One row per sample: input | generated | target.
pub fn sample_grid(rows: &[[RgbImage; 3]]) -> RgbImage {
    let size = rows.first().map_or(256, |r| r[0].width());
    let gap = 4;
    let mut grid = RgbImage::from_pixel(3 * size + 4 * gap, rows.len() as u32 * (size + gap) + gap, Rgb([128, 128, 128]));
    for (r, row) in rows.iter().enumerate() {
        for (c, image) in row.iter().enumerate() {
            let (x, y) = (gap + c as u32 * (size + gap), gap + r as u32 * (size + gap));
            imageops::replace(&mut grid, image, i64::from(x), i64::from(y));
        }
    }
    grid
}

/// The losses over the steps: G's L1 (blue), G's GAN loss (red), D's mean (green), each
/// scaled to its own maximum, on a white 800×300 canvas.
pub fn loss_curve(history: &[(u64, Losses)]) -> RgbImage {
    let (width, height, margin) = (800.0f32, 300.0f32, 10.0f32);
    let mut pixmap = Pixmap::new(width as u32, height as u32).expect("a 800×300 pixmap");
    pixmap.fill(tiny_skia::Color::WHITE);
    let series: [(fn(&Losses) -> f64, [u8; 3]); 3] = [
        (|l| l.g_l1, [0x1f, 0x5f, 0xd0]),
        (|l| l.g_gan, [0xc0, 0x30, 0x30]),
        (|l| (l.d_real + l.d_fake) / 2.0, [0x20, 0x90, 0x40]),
    ];
    let last = history.last().map_or(1, |(s, _)| *s).max(1) as f32;
    for (value, [r, g, b]) in series {
        let max = history.iter().map(|(_, l)| value(l)).fold(f64::MIN_POSITIVE, f64::max) as f32;
        let mut path = PathBuilder::new();
        for (i, (step, losses)) in history.iter().enumerate() {
            let x = margin + (*step as f32 / last) * (width - 2.0 * margin);
            let y = height - margin - (value(losses) as f32 / max) * (height - 2.0 * margin);
            if i == 0 { path.move_to(x, y) } else { path.line_to(x, y) }
        }
        if let Some(path) = path.finish() {
            let mut paint = Paint::default();
            paint.set_color_rgba8(r, g, b, 255);
            paint.anti_alias = true;
            pixmap.stroke_path(&path, &paint, &Stroke { width: 1.5, ..Stroke::default() }, Transform::identity(), None);
        }
    }
    let rgb = pixmap.data().chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    RgbImage::from_raw(width as u32, height as u32, rgb).expect("sized from the pixmap")
}
