//! Our generators compute what the reference pix2pix computes, for every checkpoint kind:
//! U-Net 128/256, ResNet 6/9 blocks, batch/instance/no norm, 1 or 3 channels.
#![cfg(not(target_family = "wasm"))]

mod common;

use burn::tensor::Device;
use common::*;
use gansketch::model::{Architecture, NormKind, NormStats};
use gansketch::store::{Overrides, load_checkpoint};
use gansketch::translate::translate_data;

const BOTH_MODES: [(NormStats, &str); 2] = [(NormStats::Running, "expected_eval"), (NormStats::Image, "expected_image_stats")];

fn check(name: &str, modes: &[(NormStats, &str)]) {
    let device = Device::flex();
    let input = read_npy(&fixture(&format!("{name}.input.npy")));
    for &(stats, expected) in modes {
        let overrides = Overrides { norm_stats: Some(stats), ..Overrides::default() };
        let model = load_checkpoint(&fixture(&format!("{name}.pth")), &overrides, &device)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let output = translate_data(&model, input.clone(), &device).unwrap();
        let expected = read_npy(&fixture(&format!("{name}.{expected}.npy")));
        let error = max_abs_diff(&output, &expected);
        println!("{name} {stats}: max abs error {error:e}");
        assert!(error <= PARITY_TOLERANCE, "{name} in {stats} mode: max abs error {error} > {PARITY_TOLERANCE}");
    }
}

#[test]
fn unet256_batch_norm_matches_reference() {
    check("unet256_ngf4_batch", &BOTH_MODES);
}

#[test]
fn resnet9_batch_norm_matches_reference() {
    check("resnet9_ngf4_batch", &BOTH_MODES);
}

/// The checkpoints of `../shared/fixtures/pix2pix` were saved after a training-mode
/// forward pass had moved their running statistics (one momentum-0.1 step), while their
/// `expected_eval` was computed before it: no reader of the saved statistics can match
/// those eval outputs (see tests/fixtures/pix2pix/README.md). Their image-statistics
/// outputs do not depend on running statistics and are matched exactly.
#[test]
fn shared_fixtures_match_reference_on_image_statistics() {
    for name in ["unet256_ngf8_batch", "resnet9_ngf8_batch"] {
        check(name, &[(NormStats::Image, "expected_image_stats")]);
    }
}

#[test]
fn unet128_instance_norm_matches_reference() {
    check("unet128_ngf4_instance", &BOTH_MODES);
}

#[test]
fn unet256_without_norm_on_grayscale_matches_reference() {
    check("unet256_ngf4_none_gray", &BOTH_MODES);
}

#[test]
fn resnet6_without_dropout_matches_reference() {
    check("resnet6_ngf4_batch_nodropout", &BOTH_MODES);
}

#[test]
fn resnet6_instance_norm_three_to_one_channel_matches_reference() {
    check("resnet6_ngf4_instance_3to1", &BOTH_MODES);
}

#[test]
fn the_two_statistics_modes_really_differ_on_batch_norm_fixtures() {
    // Guards the parity tests: if both modes gave the same output, they would prove nothing.
    for name in ["unet256_ngf4_batch", "resnet9_ngf4_batch", "resnet6_ngf4_batch_nodropout"] {
        let eval = read_npy(&fixture(&format!("{name}.expected_eval.npy")));
        let image = read_npy(&fixture(&format!("{name}.expected_image_stats.npy")));
        assert!(max_abs_diff(&eval, &image) > 100.0 * PARITY_TOLERANCE, "{name}");
    }
}

#[test]
fn the_network_is_inferred_from_the_checkpoint() {
    let device = Device::flex();
    let cases = [
        ("unet256_ngf8_batch", Architecture::Unet256, 8, NormKind::Batch, (3, 3)),
        ("resnet9_ngf8_batch", Architecture::Resnet9Blocks, 8, NormKind::Batch, (3, 3)),
        ("unet128_ngf4_instance", Architecture::Unet128, 4, NormKind::Instance, (3, 3)),
        ("unet256_ngf4_none_gray", Architecture::Unet256, 4, NormKind::None, (1, 1)),
        ("resnet6_ngf4_instance_3to1", Architecture::Resnet6Blocks, 4, NormKind::Instance, (3, 1)),
    ];
    for (name, architecture, ngf, norm, (input, output)) in cases {
        let model = load_checkpoint(&fixture(&format!("{name}.pth")), &Overrides::default(), &device).unwrap();
        let config = &model.info.generator;
        assert_eq!(config.architecture, architecture, "{name}");
        assert_eq!(config.ngf, ngf, "{name}");
        assert_eq!(config.norm, norm, "{name}");
        assert_eq!((config.input_channels, config.output_channels), (input, output), "{name}");
    }
}
