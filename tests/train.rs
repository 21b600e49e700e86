//! `gansketch train` on a tiny dataset: the loss falls; checkpoint + resume gives exactly
//! the steps of an uninterrupted run (image pool included); a run killed with -9
//! continues from its last checkpoint; a diverging run stops with a clear message and keeps its checkpoint.
#![cfg(not(target_family = "wasm"))]

mod common;

use burn::tensor::Device;

use gansketch::model::{Architecture, DiscriminatorConfig, GeneratorConfig, NormKind};
use gansketch::store::{Overrides, load_model_path};
use gansketch::train::data::Augment;
use gansketch::train::loss::GanMode;
use gansketch::train::schedule::Schedule;
use gansketch::train::{Backend, Session, TrainError, TrainOptions, train};
use std::path::{Path, PathBuf};
use std::process::Command;

/// burn's random numbers (dropout) come from one generator per backend, seeded per step:
/// runs in parallel threads would draw from each other's streams.
static ONE_RUN_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn exclusive() -> std::sync::MutexGuard<'static, ()> {
    ONE_RUN_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Four real A|B tiles (the page's samples), in a fresh directory.
fn tiny_dataset(dir: &Path) -> PathBuf {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut pairs: Vec<PathBuf> = std::fs::read_dir(&samples).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "png")).collect();
    pairs.sort();
    for pair in pairs.iter().step_by(8).take(4) {
        std::fs::copy(pair, data.join(pair.file_name().unwrap())).unwrap();
    }
    data
}

/// A small, fast run: unet_128 with ngf 4 on the tiles resized to 128 px.
fn options(data: &Path, run: &Path, steps: u64) -> TrainOptions {
    TrainOptions {
        data: data.to_path_buf(),
        run: run.to_path_buf(),
        generator: GeneratorConfig::new(Architecture::Unet128).with_ngf(4),
        discriminator: DiscriminatorConfig { input_channels: 6, ndf: 4, n_layers: 2, norm: NormKind::Batch },
        gan: GanMode::Vanilla,
        lambda_l1: 100.0,
        l1_dark_weight: 1.0,
        schedule: Schedule { lr: 2e-4, steps, decay_steps: 0 },
        batch_size: 2,
        // A pool smaller than the steps: resuming must restore what it holds.
        pool_size: 3,
        augment: Augment { load_size: 136, crop_size: 128, flip: true, rotate: true },
        checkpoint_every: 5,
        sample_every: 100,
        seed: 3,
        backend: Backend::Cpu,
    }
}

fn history(run: &Path) -> Vec<f64> {
    let latest = std::fs::read_to_string(run.join("checkpoints/latest")).unwrap();
    let state: serde_json::Value = serde_json::from_slice(&std::fs::read(run.join("checkpoints").join(latest.trim()).join("state.json")).unwrap()).unwrap();
    state["history"].as_array().unwrap().iter().map(|entry| entry[1]["g_l1"].as_f64().unwrap()).collect()
}

fn generator_values(run: &Path) -> Vec<f32> {
    let model = load_model_path(&run.join("generator.gsk"), &Overrides::default(), &Device::flex()).unwrap();
    model.generator.tensors().into_iter().flat_map(|t| t.values).collect()
}

#[test]
fn a_short_run_lowers_the_l1_loss_and_writes_its_reports() {
    let _one = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let data = tiny_dataset(dir.path());
    let run = dir.path().join("run");
    let mut quick = options(&data, &run, 40);
    quick.schedule.lr = 1e-3; // a tiny network: a larger step shows the fall within 40 steps
    let report = train(quick, Session::default()).unwrap();
    assert_eq!(report.steps, 40);
    let l1 = history(&run);
    let (first, last) = (l1[..5].iter().sum::<f64>() / 5.0, l1[l1.len() - 5..].iter().sum::<f64>() / 5.0);
    println!("G λ·L1: first five steps {first:.2}, last five {last:.2}");
    assert!(last < 0.8 * first, "the L1 loss should fall: {first:.2} → {last:.2}");
    for file in ["samples.png", "losses.png", "generator.gsk"] {
        assert!(run.join(file).is_file(), "{file} is missing");
    }
    // The exported generator is a model file the page and the CLI load.
    let model = load_model_path(&run.join("generator.gsk"), &Overrides::default(), &Device::flex()).unwrap();
    assert_eq!(model.info.generator.ngf, 4);
    assert_eq!(model.info.attribution, "", "these samples carry no ATTRIBUTION.md, so no claim is made");
}

#[test]
fn resuming_from_a_checkpoint_gives_the_uninterrupted_run() {
    let _one = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let data = tiny_dataset(dir.path());
    let straight = dir.path().join("straight");
    train(options(&data, &straight, 10), Session::default()).unwrap();

    let interrupted = dir.path().join("interrupted");
    let first = train(options(&data, &interrupted, 10), Session { max_steps: Some(5), ..Session::default() }).unwrap();
    assert_eq!(first.steps, 5);
    let second = train(options(&data, &interrupted, 10), Session { resume: true, ..Session::default() }).unwrap();
    assert_eq!((second.resumed_from, second.steps), (Some(5), 10));

    assert_eq!(history(&interrupted), history(&straight), "the same losses at every step");
    let (a, b) = (generator_values(&straight), generator_values(&interrupted));
    let worst = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
    assert!(worst <= 1e-6, "the weights after 10 steps differ by {worst}");

    // A finished run is not started again by mistake, and --resume needs a checkpoint.
    assert!(matches!(train(options(&data, &straight, 10), Session::default()), Err(TrainError::Options(_))));
    let empty = dir.path().join("empty");
    assert!(matches!(train(options(&data, &empty, 10), Session { resume: true, ..Session::default() }), Err(TrainError::Checkpoint(_))));
}

#[test]
fn a_run_killed_with_sigkill_continues_from_its_last_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let data = tiny_dataset(dir.path());
    let run = dir.path().join("run");
    let args = |extra: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_gansketch"));
        command.args(["train", "--data"]).arg(&data).arg("--out").arg(&run);
        command.args(["--arch", "unet_128", "--ngf", "4", "--ndf", "4", "--n-layers", "2", "--load-size", "128", "--crop-size", "128"]);
        command.args(["--steps", "100000", "--decay-steps", "0", "--checkpoint-every", "3"]).args(extra);
        command
    };
    let mut child = args(&[]).stderr(std::process::Stdio::null()).spawn().unwrap();
    let latest = run.join("checkpoints/latest");
    let started = std::time::Instant::now();
    while !latest.exists() {
        assert!(started.elapsed().as_secs() < 120, "no checkpoint after two minutes");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(700)); // somewhere in later steps
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();

    let output = args(&["--resume", "--session-steps", "1"]).output().unwrap();
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{message}");
    let resumed: u64 = message.split("resumed at step ").nth(1).and_then(|t| t.split(')').next()).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{message}"));
    assert!(resumed >= 3 && resumed % 3 == 0, "resumed at {resumed}: a checkpoint step");
}

#[test]
fn a_diverging_run_stops_and_keeps_its_last_good_checkpoint() {
    let _one = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let data = tiny_dataset(dir.path());
    let run = dir.path().join("run");
    let mut diverging = options(&data, &run, 20);
    diverging.checkpoint_every = 1;
    diverging.schedule.lr = 1e38;
    match train(diverging, Session::default()) {
        Err(error @ TrainError::NonFinite { step, .. }) => {
            assert!(error.to_string().contains("not finite"), "{error}");
            let latest = std::fs::read_to_string(run.join("checkpoints/latest")).unwrap_or_default();
            if step > 1 {
                assert_eq!(latest.trim(), format!("step-{:08}", step - 1), "the checkpoint before the failure is kept");
            }
        }
        other => panic!("expected a non-finite loss to stop the run, got {other:?}"),
    }
}

#[test]
fn bad_training_data_is_refused_clearly() {
    let _one = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let error = train(options(&empty, &dir.path().join("run"), 5), Session::default()).unwrap_err();
    assert!(error.to_string().contains("holds no .png pairs"), "{error}");

    let square = dir.path().join("square");
    std::fs::create_dir(&square).unwrap();
    image::RgbImage::new(256, 256).save(square.join("x.png")).unwrap();
    let error = train(options(&square, &dir.path().join("run2"), 5), Session::default()).unwrap_err();
    assert!(error.to_string().contains("twice as wide as high"), "{error}");

    let data = tiny_dataset(dir.path());
    let mut wrong_size = options(&data, &dir.path().join("run3"), 5);
    wrong_size.augment.crop_size = 100;
    let error = train(wrong_size, Session::default()).unwrap_err();
    assert!(error.to_string().contains("multiples of 128"), "{error}");

}
