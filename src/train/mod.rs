//! Native training of pix2pix (`gansketch train`): the reference objective and optimiser,
//! on the CPU or a GPU, with exact resumption from atomic checkpoints.
//!
//! - [`data`]: A|B pairs and their augmentation;
//! - [`loss`], [`schedule`]: the objective and the learning rate;
//! - [`pix2pix`]: one step on G and D;
//! - [`pool`]: the optional pool of earlier generated pairs the discriminator sees;
//! - [`checkpoint`]: what a run saves to continue exactly;
//! - [`report`]: sample grids and loss curves.

pub mod checkpoint;
pub mod data;
pub mod loss;
pub mod pix2pix;
pub mod pool;
pub mod report;
pub mod schedule;

use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData};
use indicatif::{ProgressBar, ProgressStyle};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

use self::checkpoint::{CheckpointFiles, TensorMap, encode_tensors};
use self::data::{Augment, PairDataset};
use self::loss::GanMode;
use self::pix2pix::{Losses, Objective, Pix2Pix, adam, batch};
use self::pool::ImagePool;
use self::schedule::Schedule;
use crate::model::{DiscriminatorConfig, Generator, GeneratorConfig, NormStats, PatchGan, TensorSink};
use crate::store::{LoadedModel, ModelInfo, StorageType, save_model, write_atomically};

#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("training data: {0}")]
    Data(String),
    #[error("checkpoint: {0}")]
    Checkpoint(String),
    #[error("{0}")]
    Options(String),
    #[error("step {step}: a loss is not finite ({losses:?}); stopped, keeping the last good checkpoint. Lower the learning rate or check the data")]
    NonFinite { step: u64, losses: Losses },
    #[error("{0}")]
    Output(String),
}

/// Where the arithmetic runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// burn-flex: pure Rust, threads and SIMD.
    Cpu,
    /// burn-wgpu: Vulkan, Metal or DX12 on a GPU.
    Wgpu,
}

impl std::str::FromStr for Backend {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "cpu" => Ok(Backend::Cpu),
            "wgpu" => Ok(Backend::Wgpu),
            _ => Err(format!("unknown backend `{text}`: expected cpu or wgpu")),
        }
    }
}

impl Backend {
    fn device(self) -> Device {
        match self {
            Backend::Cpu => Device::flex(),
            Backend::Wgpu => Device::wgpu(burn::tensor::DeviceKind::default()),
        }
    }
}

/// Everything that defines a run; saved in its checkpoints so `--resume` continues it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrainOptions {
    pub data: PathBuf,
    pub run: PathBuf,
    pub generator: GeneratorConfig,
    pub discriminator: DiscriminatorConfig,
    pub gan: GanMode,
    pub lambda_l1: f64,
    /// Weight of pixels whose target is dark in the L1 term (1: pix2pix's L1; see [`loss::l1`]).
    #[serde(default = "one")]
    pub l1_dark_weight: f64,
    pub schedule: Schedule,
    pub batch_size: usize,
    /// Earlier generated pairs kept for the discriminator (pix2pix's `--pool_size`; 0: none).
    #[serde(default)]
    pub pool_size: usize,
    pub augment: Augment,
    pub checkpoint_every: u64,
    pub sample_every: u64,
    pub seed: u64,
    pub backend: Backend,
}

fn one() -> f64 {
    1.0
}

impl TrainOptions {
    fn objective(&self) -> Objective {
        Objective { gan: self.gan, lambda_l1: self.lambda_l1, l1_dark_weight: self.l1_dark_weight }
    }
}

/// What a checkpoint's `state.json` holds besides the tensors.
#[derive(Serialize, Deserialize)]
struct State {
    step: u64,
    options: TrainOptions,
    history: Vec<(u64, Losses)>,
    seconds: f64,
}

/// How a run ended.
#[derive(Clone, Debug)]
pub struct TrainReport {
    /// Steps done so far, of `total`.
    pub steps: u64,
    pub total: u64,
    pub resumed_from: Option<u64>,
    pub seconds: f64,
    pub steps_per_second: f64,
    pub last: Losses,
    pub model: PathBuf,
}

/// SplitMix64: independent, reproducible streams per (seed, step).
fn mix(seed: u64, step: u64) -> u64 {
    let mut z = seed ^ step.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The dataset index of the `k`-th pair seen: a fresh shuffle every epoch.
struct Order {
    epoch: Option<u64>,
    permutation: Vec<usize>,
    seed: u64,
}

impl Order {
    fn index(&mut self, k: u64) -> usize {
        let n = self.permutation.len() as u64;
        let epoch = k / n;
        if self.epoch != Some(epoch) {
            self.permutation.sort_unstable();
            self.permutation.shuffle(&mut StdRng::seed_from_u64(mix(self.seed, epoch)));
            self.epoch = Some(epoch);
        }
        self.permutation[(k % n) as usize]
    }
}

/// How one call of [`train`] runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Session {
    /// Continue the run's latest checkpoint (its saved options apply).
    pub resume: bool,
    /// Stop after this many steps, with a checkpoint, to resume later.
    pub max_steps: Option<u64>,
    pub show_progress: bool,
}

/// Trains from scratch, or from the run's latest checkpoint when `session.resume` is set.
pub fn train(mut options: TrainOptions, session: Session) -> Result<TrainReport, TrainError> {
    let Session { resume, max_steps, show_progress } = session;
    let checkpoint = if resume { checkpoint::load_latest(&options.run)? } else { None };
    if resume && checkpoint.is_none() {
        return Err(TrainError::Checkpoint(format!("--resume: {} holds no checkpoint to continue from", options.run.display())));
    }
    if !resume && options.run.join("checkpoints").exists() {
        return Err(TrainError::Options(format!(
            "{} already holds a run: pass --resume to continue it, or choose a new directory",
            options.run.display()
        )));
    }
    let mut start = 0;
    let mut history = Vec::new();
    let mut seconds_before = 0.0;
    let state = match &checkpoint {
        Some(files) => {
            let state: State = serde_json::from_slice(&files.state).map_err(|e| TrainError::Checkpoint(format!("state.json: {e}")))?;
            options = TrainOptions { run: options.run.clone(), ..state.options.clone() };
            start = state.step;
            history = state.history.clone();
            seconds_before = state.seconds;
            Some(state)
        }
        None => None,
    };
    check_options(&options)?;
    let dataset = PairDataset::open(&options.data)?;
    let device = options.backend.device().autodiff();
    let mut model = match &checkpoint {
        Some(files) => restore(&options, files, &device)?,
        None => Pix2Pix::new(options.generator.clone(), &options.discriminator, options.objective(), options.pool_size, options.seed, &device),
    };
    std::fs::create_dir_all(&options.run).map_err(|e| TrainError::Output(format!("{}: {e}", options.run.display())))?;

    let total = options.schedule.total();
    let end = max_steps.map_or(total, |n| (start + n).min(total));
    let progress = match show_progress {
        true => ProgressBar::new(total).with_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} steps {per_sec} ({eta}) {msg}").expect("a valid template"),
        ),
        false => ProgressBar::hidden(),
    };
    progress.set_position(start);
    let size = options.augment.crop_size as usize;
    let mut order = Order { epoch: None, permutation: (0..dataset.len()).collect(), seed: options.seed };
    let started = Instant::now();
    let mut last = history.last().map(|(_, l)| *l).unwrap_or_default();
    for step in start..end {
        // Every random choice of a step comes from (seed, step): resuming repeats it exactly.
        device.seed(mix(options.seed ^ 0xd40f, step));
        let mut rng = StdRng::seed_from_u64(mix(options.seed ^ 0xa06e, step));
        let (mut inputs, mut targets) = (Vec::new(), Vec::new());
        for k in 0..options.batch_size as u64 {
            let index = order.index(step * options.batch_size as u64 + k);
            let (a, b) = dataset.load(index, &options.augment, &mut rng)?;
            inputs.push(a);
            targets.push(b);
        }
        let losses = model.step(batch(inputs, size, &device), batch(targets, size, &device), options.schedule.at(step), &mut rng);
        if !losses.all_finite() {
            progress.abandon();
            return Err(TrainError::NonFinite { step: step + 1, losses });
        }
        last = losses;
        history.push((step + 1, losses));
        progress.set_message(format!("G L1 {:.3} GAN {:.3} · D real {:.3} fake {:.3}", losses.g_l1, losses.g_gan, losses.d_real, losses.d_fake));
        progress.inc(1);
        let done = step + 1;
        if done % options.sample_every == 0 || done == end {
            write_report(&options, &dataset, &model.generator, &history, &device)?;
        }
        if done % options.checkpoint_every == 0 || done == end {
            let seconds = seconds_before + started.elapsed().as_secs_f64();
            save_checkpoint(&options, &model, done, &history, seconds)?;
        }
    }
    progress.finish_and_clear();
    let seconds = seconds_before + started.elapsed().as_secs_f64();
    let trained = end.saturating_sub(start);
    let steps_per_second = trained as f64 / started.elapsed().as_secs_f64().max(1e-9);
    let model_path = options.run.join("generator.gsk");
    export(&options, &model.generator, end, seconds, steps_per_second, &model_path)?;
    Ok(TrainReport { steps: end, total, resumed_from: state.map(|s| s.step), seconds, steps_per_second, last, model: model_path })
}

fn check_options(options: &TrainOptions) -> Result<(), TrainError> {
    let size = options.augment.crop_size as usize;
    let probe = Generator::init(options.generator.clone(), 0, &Device::flex());
    probe.check_input([options.batch_size.max(1), options.generator.input_channels, size, size]).map_err(|e| TrainError::Options(format!("--crop-size {size}: {e}")))?;
    if options.batch_size == 0 || options.checkpoint_every == 0 || options.sample_every == 0 {
        return Err(TrainError::Options("--batch-size, --checkpoint-every and --sample-every must be at least 1".into()));
    }
    if !(options.l1_dark_weight.is_finite() && options.l1_dark_weight > 0.0) || !(options.lambda_l1.is_finite() && options.lambda_l1 >= 0.0) {
        return Err(TrainError::Options(format!(
            "--lambda-l1 must be at least 0 and --l1-dark-weight above 0; found {} and {}",
            options.lambda_l1, options.l1_dark_weight
        )));
    }
    if options.generator.input_channels != 3 || options.generator.output_channels != 3 {
        return Err(TrainError::Options("training reads RGB pairs: the generator must take and give 3 channels".into()));
    }
    Ok(())
}

fn tensors_of(export: impl FnOnce(&mut TensorSink)) -> Vec<crate::model::NamedTensor> {
    let mut sink = TensorSink::default();
    export(&mut sink);
    sink.tensors
}

fn save_checkpoint(options: &TrainOptions, model: &Pix2Pix, step: u64, history: &[(u64, Losses)], seconds: f64) -> Result<(), TrainError> {
    let optimizer = |o: &burn::optim::ModuleOptimizer| o.into_bytes().map(|b| b.to_vec()).map_err(|e| TrainError::Checkpoint(format!("optimizer state: {e:?}")));
    let state = State { step, options: options.clone(), history: history.to_vec(), seconds };
    let files = CheckpointFiles {
        generator: encode_tensors(&model.generator.tensors()),
        discriminator: encode_tensors(&tensors_of(|sink| model.discriminator.export(sink))),
        optim_g: optimizer(&model.optim_g)?,
        optim_d: optimizer(&model.optim_d)?,
        pool: encode_tensors(&model.pool.tensors()),
        state: serde_json::to_vec(&state).expect("the state serialises"),
    };
    checkpoint::save(&options.run, step, &files)?;
    Ok(())
}

fn restore(options: &TrainOptions, files: &CheckpointFiles, device: &Device) -> Result<Pix2Pix, TrainError> {
    let unfit = |what: &str, e: crate::model::WeightError| TrainError::Checkpoint(format!("{what} does not fit the run's options: {e}"));
    let generator = Generator::build(options.generator.clone(), &mut TensorMap::decode(&files.generator, "generator.bin")?, device).map_err(|e| unfit("generator.bin", e))?;
    let discriminator = PatchGan::build(&options.discriminator, &mut TensorMap::decode(&files.discriminator, "discriminator.bin")?, device).map_err(|e| unfit("discriminator.bin", e))?;
    let optimizer = |bytes: &[u8], what: &str| {
        adam().from_bytes(burn::tensor::Bytes::from_bytes_vec(bytes.to_vec())).map_err(|e| TrainError::Checkpoint(format!("{what}: {e:?}")))
    };
    let mut saved_pool = TensorMap::decode(&files.pool, "pool.bin")?;
    let stored = saved_pool.len();
    let size = options.augment.crop_size as usize;
    let pair_channels = options.generator.input_channels + options.generator.output_channels;
    let pool = ImagePool::restore(options.pool_size, &mut saved_pool, stored, [pair_channels, size, size])?;
    Ok(Pix2Pix {
        generator,
        discriminator,
        optim_g: optimizer(&files.optim_g, "optim_g.bin")?,
        optim_d: optimizer(&files.optim_d, "optim_d.bin")?,
        pool,
        gan: options.gan,
        lambda_l1: options.lambda_l1,
        l1_dark_weight: options.l1_dark_weight,
    })
}

/// `samples.png` (the first four pairs: input | generated | target) and `losses.png`.
fn write_report(options: &TrainOptions, dataset: &PairDataset, generator: &Generator, history: &[(u64, Losses)], device: &Device) -> Result<(), TrainError> {
    let size = options.augment.crop_size;
    let plain = device.clone().without_autodiff();
    let generator = generator.valid();
    let mut rows = Vec::new();
    for index in 0..dataset.len().min(4) {
        let (a, b) = dataset.load(index, &Augment::none(size), &mut StdRng::seed_from_u64(0))?;
        let input = Tensor::<4>::from_data(TensorData::new(a.clone(), vec![1, 3, size as usize, size as usize]), &plain);
        let output = generator.forward(input, NormStats::Image).into_data();
        let generated = output.try_to_vec::<f32>().map_err(|e| TrainError::Output(format!("{e:?}")))?;
        rows.push([report::to_image(&a, size), report::to_image(&generated, size), report::to_image(&b, size)]);
    }
    write_png(&options.run.join("samples.png"), &report::sample_grid(&rows))?;
    write_png(&options.run.join("losses.png"), &report::loss_curve(history))
}

fn write_png(path: &Path, image: &image::RgbImage) -> Result<(), TrainError> {
    let mut bytes = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .map_err(|e| TrainError::Output(format!("{}: {e}", path.display())))?;
    write_atomically(path, &bytes).map_err(|e| TrainError::Output(e.to_string()))
}

/// The trained generator as a model file the page loads. Batch norm's running statistics
/// are not tracked in training, so the file says to normalise with each image's own
/// statistics — as the reference `test.py` runs without `--eval`.
fn export(options: &TrainOptions, generator: &Generator, steps: u64, seconds: f64, steps_per_second: f64, path: &Path) -> Result<(), TrainError> {
    let osm = std::fs::read_to_string(options.data.join("ATTRIBUTION.md")).is_ok_and(|t| t.contains("OpenStreetMap"))
        || options.data.read_dir().is_ok_and(|mut entries| entries.any(|e| e.is_ok_and(|e| std::fs::read_to_string(e.path().join("ATTRIBUTION.md")).is_ok_and(|t| t.contains("OpenStreetMap")))));
    let info = ModelInfo {
        name: options.run.file_name().map_or_else(|| "model".into(), |n| n.to_string_lossy().into_owned()),
        generator: options.generator.clone(),
        norm_stats: NormStats::Image,
        tile_size: options.augment.crop_size as usize,
        legend: crate::data::palette::street_legend(),
        provenance: serde_json::json!({
            "trained_steps": steps,
            "training_seconds": seconds.round(),
            "steps_per_second": steps_per_second,
            "data": options.data.display().to_string(),
            "options": options,
        }),
        license: String::new(),
        attribution: if osm { crate::data::OSM_ATTRIBUTION.into() } else { String::new() },
    };
    let model = LoadedModel { generator: generator.valid(), info };
    write_atomically(path, &save_model(&model, StorageType::F32)).map_err(|e| TrainError::Output(e.to_string()))
}
