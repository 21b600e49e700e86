//! The native outputs that the browser tests (`tests/web.rs`) compare against are what the
//! native code computes today: a stale fixture would make those tests prove nothing.
#![cfg(not(target_family = "wasm"))]

mod common;

use burn::tensor::Device;
use common::*;
use gansketch::model::NormStats;
use gansketch::store::{Overrides, load_model_path};
use gansketch::translate::{decode_png, translate_data};
use std::path::PathBuf;

fn web_fixture(name: &str) -> PathBuf {
    fixture("").parent().unwrap().join("web").join(name)
}

#[test]
fn web_fixtures_hold_todays_native_outputs() {
    let device = Device::flex();
    for name in ["unet256_ngf8_batch", "resnet9_ngf8_batch"] {
        let model = load_model_path(&web_fixture(&format!("{name}.gsk")), &Overrides::default(), &device).unwrap();
        let output = translate_data(&model, read_npy(&fixture(&format!("{name}.input.npy"))), &device).unwrap();
        let stored = read_npy(&web_fixture(&format!("{name}.native.npy")));
        let error = max_abs_diff(&output, &stored);
        assert!(error <= 1e-6, "{name}: tests/fixtures/web is stale (max abs error {error}); run scripts/make_web_fixtures.sh");
        // And the converted file is still the reference network.
        let image_stats = Overrides { norm_stats: Some(NormStats::Image), ..Overrides::default() };
        let model = load_model_path(&web_fixture(&format!("{name}.gsk")), &image_stats, &device).unwrap();
        let output = translate_data(&model, read_npy(&fixture(&format!("{name}.input.npy"))), &device).unwrap();
        let reference = read_npy(&fixture(&format!("{name}.expected_image_stats.npy")));
        assert!(max_abs_diff(&output, &reference) <= PARITY_TOLERANCE, "{name}");
    }
}

#[test]
fn the_streets_png_fixture_is_todays_cli_output() {
    let device = Device::flex();
    let model = load_model_path(&web_fixture("unet256_ngf8_batch.gsk"), &Overrides::default(), &device).unwrap();
    let input = decode_png(&std::fs::read(web_fixture("streets.png")).unwrap(), 3).unwrap();
    let output = translate_data(&model, input, &device).unwrap();
    let png = gansketch::translate::encode_png(&output).unwrap();
    let (now, stored) = (image::load_from_memory(&png).unwrap().to_rgb8(), image::open(web_fixture("streets.unet256_ngf8_batch.png")).unwrap().to_rgb8());
    let worst = now.as_raw().iter().zip(stored.as_raw()).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
    assert!(worst <= 1, "tests/fixtures/web/streets.unet256_ngf8_batch.png is stale; run scripts/make_web_fixtures.sh");
}
