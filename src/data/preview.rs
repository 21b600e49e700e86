//! A contact sheet of random pairs, for a person to look at before training.

use image::{Rgb, RgbImage, imageops};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use std::path::PathBuf;

const COLUMNS: u32 = 4;
const ROWS: u32 = 6;
const GAP: u32 = 6;

/// Up to 24 of `pairs` (each a 512×256 A|B PNG), at half size, on a grey sheet.
pub fn contact_sheet(pairs: &[PathBuf], seed: u64) -> image::ImageResult<RgbImage> {
    let mut chosen: Vec<&PathBuf> = pairs.iter().collect();
    chosen.shuffle(&mut StdRng::seed_from_u64(seed));
    chosen.truncate((COLUMNS * ROWS) as usize);
    chosen.sort();
    let (cell_w, cell_h) = (256, 128);
    let rows = (chosen.len() as u32).div_ceil(COLUMNS).max(1);
    let mut sheet = RgbImage::from_pixel(COLUMNS * (cell_w + GAP) + GAP, rows * (cell_h + GAP) + GAP, Rgb([120, 120, 120]));
    for (i, path) in chosen.into_iter().enumerate() {
        let pair = image::open(path)?.to_rgb8();
        let small = imageops::resize(&pair, cell_w, cell_h, imageops::FilterType::Triangle);
        let (col, row) = (i as u32 % COLUMNS, i as u32 / COLUMNS);
        imageops::replace(&mut sheet, &small, i64::from(GAP + col * (cell_w + GAP)), i64::from(GAP + row * (cell_h + GAP)));
    }
    Ok(sheet)
}
