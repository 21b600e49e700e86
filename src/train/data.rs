//! Training pairs in the reference pix2pix format: each PNG holds A (input) on the left and
//! B (target) on the right, so datasets made for the reference train unchanged.

use image::{RgbImage, imageops};
use rand::{Rng, RngExt};
use std::path::{Path, PathBuf};

use super::TrainError;

/// How each pair is varied before a step, identically on both sides.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Augment {
    /// pix2pix's `resize_and_crop` jitter: resize to `load_size`, crop `crop_size` at random.
    pub load_size: u32,
    pub crop_size: u32,
    /// Random horizontal and vertical flips.
    pub flip: bool,
    /// Random quarter turns (map tiles have no "up").
    pub rotate: bool,
}

impl Augment {
    /// No variation: each side resized to `size`.
    pub fn none(size: u32) -> Self {
        Augment { load_size: size, crop_size: size, flip: false, rotate: false }
    }
}

/// The pairs under a directory (searched recursively, `gansketch tiles`' preview.png
/// aside), in a stable order.
pub struct PairDataset {
    pub files: Vec<PathBuf>,
}

impl PairDataset {
    pub fn open(dir: &Path) -> Result<Self, TrainError> {
        let mut files = Vec::new();
        collect_pngs(dir, &mut files).map_err(|e| TrainError::Data(format!("{}: {e}", dir.display())))?;
        files.sort();
        if files.is_empty() {
            return Err(TrainError::Data(format!(
                "{} holds no .png pairs: expected A|B images (input left, target right) as `gansketch tiles` writes them",
                dir.display()
            )));
        }
        Ok(PairDataset { files })
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Pair `index` as (A, B), each `[3, crop, crop]` in [-1, 1], varied by `augment`.
    pub fn load(&self, index: usize, augment: &Augment, rng: &mut impl Rng) -> Result<(Vec<f32>, Vec<f32>), TrainError> {
        let (a, b) = read_pair(&self.files[index])?;
        let (a, b) = vary(a, b, augment, rng);
        Ok((planes(&a), planes(&b)))
    }
}

fn collect_pngs(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_pngs(&path, files)?;
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("png")) && !path.ends_with("preview.png") {
            files.push(path);
        }
    }
    Ok(())
}

/// Splits an A|B image into its halves.
pub fn read_pair(path: &Path) -> Result<(RgbImage, RgbImage), TrainError> {
    let image = image::open(path).map_err(|e| TrainError::Data(format!("{}: {e}", path.display())))?.to_rgb8();
    let (width, height) = image.dimensions();
    if width != 2 * height {
        return Err(TrainError::Data(format!(
            "{}: expected an A|B pair twice as wide as high (e.g. 512×256), found {width}×{height}",
            path.display()
        )));
    }
    let a = imageops::crop_imm(&image, 0, 0, height, height).to_image();
    let b = imageops::crop_imm(&image, height, 0, height, height).to_image();
    Ok((a, b))
}

fn vary(a: RgbImage, b: RgbImage, augment: &Augment, rng: &mut impl Rng) -> (RgbImage, RgbImage) {
    let resize = |image: RgbImage, size: u32| match image.width() == size {
        true => image,
        false => imageops::resize(&image, size, size, imageops::FilterType::CatmullRom),
    };
    let (mut a, mut b) = (resize(a, augment.load_size), resize(b, augment.load_size));
    if augment.crop_size < augment.load_size {
        let room = augment.load_size - augment.crop_size;
        let (x, y) = (rng.random_range(0..=room), rng.random_range(0..=room));
        a = imageops::crop_imm(&a, x, y, augment.crop_size, augment.crop_size).to_image();
        b = imageops::crop_imm(&b, x, y, augment.crop_size, augment.crop_size).to_image();
    }
    if augment.flip {
        if rng.random_bool(0.5) {
            (a, b) = (imageops::flip_horizontal(&a), imageops::flip_horizontal(&b));
        }
        if rng.random_bool(0.5) {
            (a, b) = (imageops::flip_vertical(&a), imageops::flip_vertical(&b));
        }
    }
    if augment.rotate {
        match rng.random_range(0..4) {
            1 => (a, b) = (imageops::rotate90(&a), imageops::rotate90(&b)),
            2 => (a, b) = (imageops::rotate180(&a), imageops::rotate180(&b)),
            3 => (a, b) = (imageops::rotate270(&a), imageops::rotate270(&b)),
            _ => {}
        }
    }
    (a, b)
}

/// An RGB image as `[3, h, w]` values in [-1, 1] (the reference's `Normalize(0.5, 0.5)`).
pub fn planes(image: &RgbImage) -> Vec<f32> {
    let plane = (image.width() * image.height()) as usize;
    let mut values = vec![0f32; 3 * plane];
    for (i, pixel) in image.pixels().enumerate() {
        for c in 0..3 {
            values[c * plane + i] = f32::from(pixel[c]) / 127.5 - 1.0;
        }
    }
    values
}
