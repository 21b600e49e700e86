//! `gansketch translate` and `gansketch convert` as a user runs them: results, and clear
//! errors with a non-zero exit and nothing left behind on bad input.
#![cfg(not(target_family = "wasm"))]

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output};

fn gansketch(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gansketch"))
        .args(args.iter().map(|a| a.as_ref()))
        .output()
        .expect("gansketch runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a command that must fail: non-zero exit, an `error:` line containing `expected`,
/// no panic, and no file added to `dir`.
fn assert_fails(args: &[&dyn AsRef<std::ffi::OsStr>], expected: &str, dir: &Path) {
    let before = files_in(dir);
    let output = gansketch(args);
    let message = stderr(&output);
    assert!(!output.status.success(), "should fail: {message}");
    assert_eq!(output.status.code(), Some(1), "clean exit expected, got {:?}: {message}", output.status);
    assert!(!message.contains("panicked"), "panicked: {message}");
    assert!(message.contains("error:"), "no error line: {message}");
    assert!(message.contains(expected), "expected {expected:?} in: {message}");
    assert_eq!(files_in(dir), before, "files were left behind");
}

#[test]
fn translate_npy_matches_reference_in_both_modes() {
    let dir = tempfile::tempdir().unwrap();
    let both = [("running", "expected_eval"), ("image", "expected_image_stats")];
    // The shared fixtures' eval outputs do not belong to their saved statistics (see
    // tests/reference_parity.rs): their image mode is checked, and batch norm's running
    // mode on the consistent checkpoints.
    let cases = [("unet256_ngf4_batch", &both[..]), ("resnet9_ngf4_batch", &both[..]), ("unet256_ngf8_batch", &both[1..]), ("resnet9_ngf8_batch", &both[1..])];
    for (name, modes) in cases {
        for &(stats, expected) in modes {
            let out = dir.path().join(format!("{name}.{stats}.npy"));
            let run = gansketch(&[
                &"translate",
                &"--model",
                &fixture(&format!("{name}.pth")),
                &"--input",
                &fixture(&format!("{name}.input.npy")),
                &"--output",
                &out,
                &"--norm-stats",
                &stats,
            ]);
            assert!(run.status.success(), "{}", stderr(&run));
            let error = max_abs_diff(&read_npy(&out), &read_npy(&fixture(&format!("{name}.{expected}.npy"))));
            assert!(error <= PARITY_TOLERANCE, "{name} {stats}: {error}");
        }
    }
}

#[test]
fn converted_models_translate_like_the_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["unet256_ngf8_batch", "resnet9_ngf8_batch"] {
        let pth = fixture(&format!("{name}.pth"));
        let input = fixture(&format!("{name}.input.npy"));
        let reference_out = dir.path().join(format!("{name}.pth.npy"));
        let run = gansketch(&[&"translate", &"--model", &pth, &"--input", &input, &"--output", &reference_out]);
        assert!(run.status.success(), "{}", stderr(&run));
        let from_pth = read_npy(&reference_out);

        for (flag, tolerance) in [(None, 1e-6), (Some("--f16"), 5e-3)] {
            let model = dir.path().join(format!("{name}.{}.gsk", flag.unwrap_or("f32")));
            let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"convert", &pth, &"-o", &model];
            if let Some(flag) = &flag {
                args.push(flag);
            }
            let run = gansketch(&args);
            assert!(run.status.success(), "{}", stderr(&run));
            let out = dir.path().join(format!("{name}.{}.npy", flag.unwrap_or("f32")));
            let run = gansketch(&[&"translate", &"--model", &model, &"--input", &input, &"--output", &out]);
            assert!(run.status.success(), "{}", stderr(&run));
            let error = max_abs_diff(&read_npy(&out), &from_pth);
            println!("{name} {flag:?}: max abs error {error:e}");
            assert!(error <= tolerance, "{name} {flag:?}: {error} > {tolerance}");
            if flag.is_some() {
                let (f16_size, pth_size) = (std::fs::metadata(&model).unwrap().len(), std::fs::metadata(&pth).unwrap().len());
                println!("{name}: f16 file {f16_size} bytes, .pth {pth_size} bytes");
                assert!(f16_size * 100 <= pth_size * 55, "{name}: f16 {f16_size} > 55% of {pth_size}");
            }
        }
    }
}

fn write_png(path: &Path, width: u32, height: u32) {
    let image = image::RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([(x * 7 % 256) as u8, (y * 5 % 256) as u8, 128, if x < width / 2 { 255 } else { 100 }])
    });
    image.save(path).unwrap();
}

#[test]
fn translate_png_and_directories() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    write_png(&inputs.join("a.png"), 256, 256);
    write_png(&inputs.join("b.png"), 256, 512);
    std::fs::write(inputs.join("notes.txt"), "not an image").unwrap();
    let outputs = dir.path().join("out");
    let run = gansketch(&[&"translate", &"--model", &fixture("unet256_ngf8_batch.pth"), &"--input", &inputs, &"--output", &outputs]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(files_in(&outputs), vec!["a.png", "b.png"]);
    let b = image::open(outputs.join("b.png")).unwrap();
    assert_eq!((b.width(), b.height()), (256, 512));

    // A grayscale model takes and gives one channel; the output PNG is still viewable RGB.
    let gray_out = dir.path().join("gray.png");
    let run = gansketch(&[&"translate", &"--model", &fixture("unet256_ngf4_none_gray.pth"), &"--input", &inputs.join("a.png"), &"--output", &gray_out]);
    assert!(run.status.success(), "{}", stderr(&run));
    let gray = image::open(&gray_out).unwrap().to_rgb8();
    assert!(gray.pixels().all(|p| p[0] == p[1] && p[1] == p[2]), "one channel shown as grey");
}

#[test]
fn bad_checkpoints_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input = fixture("unet256_ngf8_batch.input.npy");
    let out = d.join("out.npy");
    let pth = std::fs::read(fixture("unet256_ngf8_batch.pth")).unwrap();

    let truncated = d.join("truncated.pth");
    std::fs::write(&truncated, &pth[..pth.len() / 2]).unwrap();
    assert_fails(&[&"translate", &"--model", &truncated, &"--input", &input, &"--output", &out], "not a PyTorch checkpoint", d);

    // Flip bytes inside the tensor data: the archive's CRC catches it.
    let corrupted = d.join("corrupted.pth");
    let mut bytes = pth.clone();
    for byte in &mut bytes[pth.len() / 2..pth.len() / 2 + 64] {
        *byte ^= 0x5a;
    }
    std::fs::write(&corrupted, &bytes).unwrap();
    assert_fails(&[&"translate", &"--model", &corrupted, &"--input", &input, &"--output", &out], "error:", d);

    let discriminator = fixture("patchgan_ndf8_batch.pth");
    assert_fails(&[&"translate", &"--model", &discriminator, &"--input", &input, &"--output", &out], "discriminator", d);
    assert_fails(&[&"convert", &discriminator, &"-o", &d.join("d.gsk")], "discriminator", d);

    let not_checkpoint = d.join("photos.zip");
    {
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&not_checkpoint).unwrap());
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("holiday/readme.txt", options).unwrap();
        std::io::Write::write_all(&mut zip, b"not a checkpoint").unwrap();
        zip.finish().unwrap();
    }
    assert_fails(&[&"translate", &"--model", &not_checkpoint, &"--input", &input, &"--output", &out], "not a PyTorch checkpoint", d);

    let text = d.join("model.pth");
    std::fs::write(&text, "hello").unwrap();
    assert_fails(&[&"convert", &text, &"-o", &d.join("m.gsk")], "not a PyTorch checkpoint", d);
}

#[test]
fn bad_model_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = d.join("model.gsk");
    let run = gansketch(&[&"convert", &fixture("resnet9_ngf8_batch.pth"), &"-o", &model]);
    assert!(run.status.success(), "{}", stderr(&run));
    let bytes = std::fs::read(&model).unwrap();
    let input = fixture("resnet9_ngf8_batch.input.npy");
    let out = d.join("out.npy");

    let truncated = d.join("truncated.gsk");
    std::fs::write(&truncated, &bytes[..bytes.len() - 1000]).unwrap();
    assert_fails(&[&"translate", &"--model", &truncated, &"--input", &input, &"--output", &out], "truncated", d);

    let corrupted = d.join("corrupted.gsk");
    let mut flipped = bytes.clone();
    let at = bytes.len() - 100;
    flipped[at] ^= 0xff;
    std::fs::write(&corrupted, &flipped).unwrap();
    assert_fails(&[&"translate", &"--model", &corrupted, &"--input", &input, &"--output", &out], "SHA-256", d);
}

#[test]
fn flags_that_contradict_the_file_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let pth = fixture("unet256_ngf8_batch.pth");
    let input = fixture("unet256_ngf8_batch.input.npy");
    let out = d.join("out.npy");
    for (flag, value) in [("--arch", "resnet_9blocks"), ("--arch", "unet_128"), ("--ngf", "16"), ("--norm", "instance")] {
        let expected = format!("{flag} {value} contradicts");
        assert_fails(&[&"translate", &"--model", &pth, &"--input", &input, &"--output", &out, &flag, &value], &expected, d);
    }
    // Flags that agree with the file are fine.
    let run = gansketch(&[&"translate", &"--model", &pth, &"--input", &input, &"--output", &out, &"--arch", &"unet_256", &"--ngf", &"8", &"--norm", &"batch"]);
    assert!(run.status.success(), "{}", stderr(&run));
    // An unknown value is refused by the parser with the accepted ones.
    let run = gansketch(&[&"translate", &"--model", &pth, &"--input", &input, &"--output", &d.join("x.npy"), &"--arch", &"unet_512"]);
    assert!(!run.status.success());
    assert!(stderr(&run).contains("unet_128, unet_256"), "{}", stderr(&run));
}

#[test]
fn bad_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let unet = fixture("unet256_ngf8_batch.pth");
    let resnet = fixture("resnet9_ngf8_batch.pth");

    let small = d.join("small.png");
    write_png(&small, 100, 100);
    assert_fails(&[&"translate", &"--model", &unet, &"--input", &small, &"--output", &d.join("o.png")], "multiples of 256", d);
    let odd = d.join("odd.png");
    write_png(&odd, 66, 64);
    assert_fails(&[&"translate", &"--model", &resnet, &"--input", &odd, &"--output", &d.join("o.png")], "multiples of 4", d);

    let not_png = d.join("text.png");
    std::fs::write(&not_png, "this is not a PNG").unwrap();
    assert_fails(&[&"translate", &"--model", &unet, &"--input", &not_png, &"--output", &d.join("o.png")], "expected a PNG", d);

    let broken_png = d.join("broken.png");
    let mut bytes = Vec::new();
    image::RgbImage::new(256, 256)
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .unwrap();
    std::fs::write(&broken_png, &bytes[..bytes.len() / 2]).unwrap();
    assert_fails(&[&"translate", &"--model", &unet, &"--input", &broken_png, &"--output", &d.join("o.png")], "could not be decoded", d);

    let npy = std::fs::read(fixture("resnet9_ngf8_batch.input.npy")).unwrap();
    let truncated_npy = d.join("truncated.npy");
    std::fs::write(&truncated_npy, &npy[..npy.len() / 3]).unwrap();
    assert_fails(&[&"translate", &"--model", &resnet, &"--input", &truncated_npy, &"--output", &d.join("o.npy")], "truncated", d);

    let gray = fixture("unet256_ngf4_none_gray.input.npy");
    assert_fails(&[&"translate", &"--model", &unet, &"--input", &gray, &"--output", &d.join("o.npy")], "3 input channel(s), the input has 1", d);

    let input = fixture("resnet9_ngf8_batch.input.npy");
    assert_fails(&[&"translate", &"--model", &resnet, &"--input", &input, &"--output", &d.join("o.jpg")], "must end in .png or .npy", d);
    assert_fails(&[&"translate", &"--model", &d.join("missing.pth"), &"--input", &input, &"--output", &d.join("o.npy")], "missing.pth", d);
}
