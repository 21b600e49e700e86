//! The burn side of the native benchmarks (run by `bench/run`): for each model file, ms per
//! translation of one 256² image on the CPU backend (burn-flex, all threads rayon gives it)
//! and ms per pix2pix training step (G and a 64-filter PatchGAN, as `gansketch train`).
//! Writes its input and output as `.npy`, so the PyTorch side checks it computes the same.
//! For U-Nets it also times each convolution and transposed convolution alone, to show
//! where the time goes (bench/torch_side.py times the layers listed here in PyTorch).
//!
//!   cargo bench --bench native -- --work DIR [--runs 20] [--train-runs 5] NAME=MODEL.gsk ...

use burn::tensor::module::{conv_transpose2d, conv2d};
use burn::tensor::ops::{ConvOptions, ConvTransposeOptions};
use burn::tensor::{Device, Tensor, TensorData};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::json;
use std::path::PathBuf;
use std::time::Instant;

use gansketch::model::{ConvShape, DiscriminatorConfig, GeneratorConfig, NormKind, unet_block_shapes};
use gansketch::store::{Overrides, load_model_path, write_atomically};
use gansketch::train::loss::GanMode;
use gansketch::train::pix2pix::{Objective, Pix2Pix};
use gansketch::translate::{encode_npy, translate_data};

struct Options {
    work: PathBuf,
    runs: usize,
    train_runs: usize,
    models: Vec<(String, PathBuf)>,
}

fn options() -> Options {
    let mut options = Options { work: PathBuf::from("bench/.work"), runs: 20, train_runs: 5, models: Vec::new() };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match arg.as_str() {
            "--work" => options.work = PathBuf::from(value("--work")),
            "--runs" => options.runs = value("--runs").parse().expect("--runs: a number"),
            "--train-runs" => options.train_runs = value("--train-runs").parse().expect("--train-runs: a number"),
            "--bench" => {} // cargo bench passes it
            model => {
                let (name, path) = model.split_once('=').unwrap_or_else(|| panic!("expected NAME=MODEL.gsk, found {model}"));
                options.models.push((name.to_string(), PathBuf::from(path)));
            }
        }
    }
    options
}

/// Median, 10th and 90th percentile and minimum of `runs` timings after `warmup` calls.
fn timed(runs: usize, warmup: usize, mut f: impl FnMut()) -> serde_json::Value {
    for _ in 0..warmup {
        f();
    }
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    json!({
        "runs": runs,
        "median_ms": times[runs / 2],
        "p10_ms": times[runs / 10],
        "p90_ms": times[runs * 9 / 10],
        "min_ms": times[0],
    })
}

fn random_image(channels: usize, seed: u64) -> TensorData {
    let mut rng = StdRng::seed_from_u64(seed);
    TensorData::random::<f32, _, _>([1, channels, 256, 256], burn::tensor::Distribution::Uniform(-1.0, 1.0), &mut rng)
}

/// One of a U-Net's 4×4 stride-2 convolutions at 256² input.
struct Layer {
    name: String,
    transposed: bool,
    shape: ConvShape,
    /// Side of the layer's input.
    side: usize,
}

/// The convolutions of a `unet_256`/`unet_128` generator, outermost first.
fn unet_layers(config: &GeneratorConfig) -> Vec<Layer> {
    let Some(depth) = config.architecture.unet_depth() else { return Vec::new() };
    unet_block_shapes(config, depth)
        .into_iter()
        .enumerate()
        .flat_map(|(level, (down, up))| {
            [
                Layer { name: format!("down {level}"), transposed: false, shape: down, side: 256 >> level },
                Layer { name: format!("up {level}"), transposed: true, shape: up, side: 256 >> (level + 1) },
            ]
        })
        .collect()
}

fn time_layers(config: &GeneratorConfig, runs: usize, device: &Device) -> Vec<serde_json::Value> {
    let mut rng = StdRng::seed_from_u64(5);
    let mut normal = |shape: Vec<usize>| Tensor::<4>::from_data(TensorData::random::<f32, _, _>(shape, burn::tensor::Distribution::Normal(0.0, 0.02), &mut rng), device);
    unet_layers(config)
        .into_iter()
        .map(|layer| {
            let Layer { name, transposed, shape: ConvShape { input, output, kernel: k, stride, padding, .. }, side } = layer;
            let x = normal(vec![1, input, side, side]);
            let stats = match transposed {
                false => {
                    let weight = normal(vec![output, input, k, k]);
                    let options = ConvOptions::new([stride; 2], [padding; 2], [1, 1], 1);
                    timed(runs, 2, || {
                        conv2d(x.clone(), weight.clone(), None, options.clone()).into_data();
                    })
                }
                true => {
                    let weight = normal(vec![input, output, k, k]);
                    let options = ConvTransposeOptions::new([stride; 2], [padding; 2], [0, 0], [1, 1], 1);
                    timed(runs, 2, || {
                        conv_transpose2d(x.clone(), weight.clone(), None, options.clone()).into_data();
                    })
                }
            };
            json!({ "name": name, "transposed": transposed, "input": input, "output": output, "kernel": k, "stride": stride, "padding": padding, "side": side, "median_ms": stats["median_ms"] })
        })
        .collect()
}

fn main() {
    let options = options();
    std::fs::create_dir_all(&options.work).expect("the work directory");
    let device = Device::flex();
    let mut results = serde_json::Map::new();
    for (name, path) in &options.models {
        let model = load_model_path(path, &Overrides::default(), &device).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let config = model.info.generator.clone();
        let input = random_image(config.input_channels, 1);
        let output = translate_data(&model, input.clone(), &device).expect("a 256² image fits every generator");
        let write = |suffix: &str, data: &TensorData| {
            let file = options.work.join(format!("{name}.{suffix}.npy"));
            write_atomically(&file, &encode_npy(data).expect("f32 data")).expect("writing .npy");
        };
        write("input", &input);
        write("burn", &output);
        let inference = timed(options.runs, 3, || {
            translate_data(&model, input.clone(), &device).expect("translates");
        });

        let autodiff = device.clone().autodiff();
        let discriminator = DiscriminatorConfig { input_channels: config.input_channels + config.output_channels, ndf: 64, n_layers: 3, norm: NormKind::Batch };
        let mut pix2pix = Pix2Pix::new(config.clone(), &discriminator, Objective { gan: GanMode::Vanilla, lambda_l1: 100.0, l1_dark_weight: 1.0 }, 0, 1, &autodiff);
        let a = Tensor::<4>::from_data(random_image(config.input_channels, 2), &autodiff);
        let b = Tensor::<4>::from_data(random_image(config.output_channels, 3), &autodiff);
        let mut rng = StdRng::seed_from_u64(4);
        let training = timed(options.train_runs, 2, || {
            pix2pix.step(a.clone(), b.clone(), 2e-4, &mut rng);
        });
        let layers = time_layers(&config, options.runs, &device);
        println!("{name}: inference {inference}, training step {training}");
        results.insert(name.clone(), json!({ "file": path, "norm_stats": model.info.norm_stats, "inference": inference, "training_step": training, "layers": layers }));
    }
    let report = json!({ "backend": "burn-flex (CPU)", "threads": rayon::current_num_threads(), "models": results });
    let out = options.work.join("burn-native.json");
    write_atomically(&out, serde_json::to_string_pretty(&report).expect("json").as_bytes()).expect("writing the results");
    println!("wrote {}", out.display());
}
