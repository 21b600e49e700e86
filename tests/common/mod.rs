//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod pbf;

use burn::tensor::TensorData;
use std::path::{Path, PathBuf};

/// The reference checkpoints of `tests/fixtures/pix2pix`, each with inputs and outputs.
pub const REFERENCE_CHECKPOINTS: [&str; 8] = [
    "unet256_ngf8_batch",
    "resnet9_ngf8_batch",
    "unet256_ngf4_batch",
    "resnet9_ngf4_batch",
    "unet128_ngf4_instance",
    "unet256_ngf4_none_gray",
    "resnet6_ngf4_batch_nodropout",
    "resnet6_ngf4_instance_3to1",
];

/// float32 arithmetic agrees with the reference to ~1e-5; above 1e-4 is a real difference.
pub const PARITY_TOLERANCE: f32 = 1e-4;

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/pix2pix").join(name)
}

pub fn read_npy(path: &Path) -> TensorData {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    gansketch::translate::decode_npy(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Largest absolute difference between two tensors of the same shape.
pub fn max_abs_diff(a: &TensorData, b: &TensorData) -> f32 {
    assert_eq!(a.shape(), b.shape(), "shapes differ");
    let (a, b) = (a.try_to_vec::<f32>().unwrap(), b.try_to_vec::<f32>().unwrap());
    a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// Files in `dir`, to check that a failed command left nothing behind.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
