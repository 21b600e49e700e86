//! The wasm face in real Chromium (`wasm-pack test --headless --chrome`), in a dedicated
//! worker as the page runs it: on the real WebGPU adapter and on the CPU backend, the
//! generators give the native outputs for the same model and input.
//!
//! The native outputs in `tests/fixtures/web` are written by `gansketch translate` and
//! checked against the current native code by `tests/web_fixtures.rs`.
#![cfg(target_family = "wasm")]

use burn::tensor::{Device, TensorData};
use gansketch::store::{Overrides, load_model_bytes};
use gansketch::web::backend::{BackendRequest, choose};
use gansketch::web::digest::web_crypto_sha256;
use gansketch::web::{Translator, translate_data};
use sha2::{Digest, Sha256};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// Max abs difference allowed between wasm and native outputs (tanh outputs in [-1, 1]).
const WEB_TOLERANCE: f32 = 1e-3;

struct Case {
    name: &'static str,
    model: &'static [u8],
    input: &'static [u8],
    native: &'static [u8],
}

const UNET: Case = Case {
    name: "unet_256 ngf 8",
    model: include_bytes!("fixtures/web/unet256_ngf8_batch.gsk"),
    input: include_bytes!("fixtures/pix2pix/unet256_ngf8_batch.input.npy"),
    native: include_bytes!("fixtures/web/unet256_ngf8_batch.native.npy"),
};

const RESNET: Case = Case {
    name: "resnet_9blocks ngf 8",
    model: include_bytes!("fixtures/web/resnet9_ngf8_batch.gsk"),
    input: include_bytes!("fixtures/pix2pix/resnet9_ngf8_batch.input.npy"),
    native: include_bytes!("fixtures/web/resnet9_ngf8_batch.native.npy"),
};

/// A little-endian float32 C-order `.npy` (as numpy and `gansketch translate` write it).
fn npy(bytes: &[u8]) -> TensorData {
    assert_eq!(&bytes[..6], b"\x93NUMPY", "not an .npy file");
    let header_length = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = std::str::from_utf8(&bytes[10..10 + header_length]).unwrap();
    assert!(header.contains("'<f4'") && header.contains("False"), "expected C-order float32: {header}");
    let shape_text = &header[header.find("'shape': (").unwrap() + 10..];
    let shape: Vec<usize> = shape_text[..shape_text.find(')').unwrap()]
        .split(',')
        .filter_map(|d| d.trim().parse().ok())
        .collect();
    let values: Vec<f32> = bytes[10 + header_length..]
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes(c.try_into().unwrap()))
        .collect();
    TensorData::new(values, shape)
}

fn max_abs_diff(a: &TensorData, b: &TensorData) -> f32 {
    assert_eq!(a.shape(), b.shape(), "shapes differ");
    let (a, b) = (a.try_to_vec::<f32>().unwrap(), b.try_to_vec::<f32>().unwrap());
    a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

async fn webgpu() -> Device {
    let backend = choose(BackendRequest::WebGpu).await;
    assert_eq!(backend.name, "webgpu", "no WebGPU in this browser: {}", backend.reason);
    backend.device
}

async fn check(case: &Case, device: &Device, backend: &str) {
    let model = load_model_bytes(case.model, &Overrides::default(), device).unwrap();
    let output = translate_data(&model, npy(case.input), device).await.unwrap();
    let error = max_abs_diff(&output, &npy(case.native));
    web_sys::console::log_1(&format!("{} on {backend}: max abs error {error:e} against native", case.name).into());
    assert!(error <= WEB_TOLERANCE, "{} on {backend}: max abs error {error} > {WEB_TOLERANCE}", case.name);
}

#[wasm_bindgen_test]
async fn unet_on_webgpu_matches_native() {
    check(&UNET, &webgpu().await, "webgpu").await;
}

#[wasm_bindgen_test]
async fn unet_on_cpu_matches_native() {
    check(&UNET, &Device::flex(), "cpu").await;
}

#[wasm_bindgen_test]
async fn resnet_on_webgpu_matches_native() {
    check(&RESNET, &webgpu().await, "webgpu").await;
}

#[wasm_bindgen_test]
async fn resnet_on_cpu_matches_native() {
    check(&RESNET, &Device::flex(), "cpu").await;
}

/// The page's own entry point: canvas RGBA in, RGBA out, equal to what the CLI writes
/// for the same PNG (within one level of rounding), on both backends.
#[wasm_bindgen_test]
async fn translator_gives_the_cli_png_on_both_backends() {
    let input = image_rgba(include_bytes!("fixtures/web/streets.png"));
    let native = image_rgba(include_bytes!("fixtures/web/streets.unet256_ngf8_batch.png"));
    for backend in ["cpu", "webgpu"] {
        let translator = Translator::create(backend.into()).await.unwrap();
        assert_eq!(translator.backend(), backend, "{}", translator.reason());
        translator.load(UNET.model.to_vec()).await.unwrap();
        let output = translator.translate(input.clone(), 256, 256).await.unwrap();
        assert_eq!(output.len(), native.len());
        let worst = output.iter().zip(&native).map(|(a, b)| a.abs_diff(*b)).max().unwrap();
        web_sys::console::log_1(&format!("Translator on {backend}: worst pixel difference {worst} levels").into());
        assert!(worst <= 1, "Translator on {backend}: a pixel differs by {worst} levels from the CLI's PNG");
    }
}

#[wasm_bindgen_test]
async fn a_corrupt_model_is_refused_and_the_previous_one_stays() {
    let translator = Translator::create("cpu".into()).await.unwrap();
    translator.load(UNET.model.to_vec()).await.unwrap();
    let mut corrupt = UNET.model.to_vec();
    let at = corrupt.len() - 100;
    corrupt[at] ^= 0xff;
    assert!(translator.load(corrupt).await.is_err(), "a flipped byte must be caught by the checksum");
    assert!(translator.load(b"<html>404</html>".to_vec()).await.is_err());
    let output = translator.translate(vec![255; 256 * 256 * 4], 256, 256).await;
    assert!(output.is_ok(), "the previous model keeps working");
    let wrong_size = translator.translate(vec![255; 100 * 100 * 4], 100, 100).await;
    assert!(wrong_size.is_err(), "100×100 is not a size unet_256 takes");
}

#[wasm_bindgen_test]
async fn auto_takes_webgpu_only_on_a_hardware_adapter() {
    let backend = choose(BackendRequest::Auto).await;
    web_sys::console::log_1(&format!("auto chose {} on {:?}: {}", backend.name, backend.adapter, backend.reason).into());
    assert!(!backend.adapter.is_empty(), "this Chromium has a WebGPU adapter: {}", backend.reason);
    match backend.software_adapter {
        true => {
            assert_eq!(backend.name, "cpu");
            assert!(backend.reason.contains("software fallback"), "{}", backend.reason);
        }
        false => assert_eq!(backend.name, "webgpu"),
    }
}

fn image_rgba(png: &[u8]) -> Vec<u8> {
    image::load_from_memory(png).unwrap().to_rgba8().into_raw()
}

/// The page checks a model's checksum with WebCrypto, not in wasm: it must be there (the
/// test server is localhost, a secure context) and agree with sha2, the native hasher.
#[wasm_bindgen_test]
async fn web_crypto_hashes_a_model_as_sha2_does() {
    for data in [&UNET.model[..], b"", b"abc"] {
        let by_browser = web_crypto_sha256(data).await.expect("WebCrypto is available in the worker");
        assert_eq!(by_browser, Sha256::digest(data).to_vec(), "{} bytes", data.len());
    }
}
