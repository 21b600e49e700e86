//! The `gansketch` commands: a thin face over the library.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use gansketch::data::split::SplitMode;
use gansketch::data::{Filters, TilesOptions, make_tiles};
use gansketch::data::palette::street_legend;
use gansketch::model::{Architecture, DiscriminatorConfig, GeneratorConfig, NormKind, NormStats};
use gansketch::store::{self, Overrides, StorageType};
use gansketch::train::data::Augment;
use gansketch::train::loss::GanMode;
use gansketch::train::schedule::Schedule;
use gansketch::train::{Backend, Session, TrainOptions};
use gansketch::translate::translate_path;

#[derive(Parser)]
#[command(name = "gansketch", version, about = "Sketch streets, get building footprints: pix2pix generators in burn")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Translate a PNG or .npy image (or a directory of PNGs) with a generator.
    Translate(TranslateArgs),
    /// Convert a reference pix2pix checkpoint (.pth) — or re-encode a model file, e.g. to
    /// f16 — into a gansketch model file.
    Convert(ConvertArgs),
    /// Draw A|B training pairs (streets | buildings) from an OpenStreetMap extract.
    Tiles(TilesArgs),
    /// Write a freshly initialised (untrained) generator as a model file.
    Init(InitArgs),
    /// Train a pix2pix generator on A|B pairs (the reference dataset format).
    Train(TrainArgs),
    /// Score a streets → buildings model on A|B tiles, next to two baselines.
    Eval(EvalArgs),
}

#[derive(Args)]
struct EvalArgs {
    /// The model (gansketch model file or reference .pth).
    #[arg(long)]
    model: PathBuf,
    /// Directory of A|B tiles; each first-level subdirectory (a city, a split) is scored apart.
    #[arg(long)]
    data: PathBuf,
    /// Write the report as JSON here, and the best / worst tiles as a PNG beside it.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    network: NetworkFlags,
}

#[derive(Args)]
struct TrainArgs {
    /// Directory of A|B pair PNGs (searched recursively), e.g. what `gansketch tiles` wrote.
    #[arg(long)]
    data: PathBuf,
    /// Run directory: checkpoints, samples.png, losses.png and the trained generator.gsk.
    #[arg(long)]
    out: PathBuf,
    /// Continue the run in --out from its latest checkpoint, with the options it was started with.
    #[arg(long)]
    resume: bool,
    /// Stop after this many steps (with a checkpoint), to --resume later.
    #[arg(long)]
    session_steps: Option<u64>,
    /// Generator architecture.
    #[arg(long, default_value = "unet_256")]
    arch: Architecture,
    /// Filters in the generator's first layer.
    #[arg(long, default_value_t = 64)]
    ngf: usize,
    /// Normalisation of generator and discriminator.
    #[arg(long, default_value = "batch")]
    norm: NormKind,
    /// No dropout in the generator (pix2pix uses it).
    #[arg(long)]
    no_dropout: bool,
    /// Filters in the discriminator's first layer.
    #[arg(long, default_value_t = 64)]
    ndf: usize,
    /// PatchGAN depth (3 is the reference's `basic` 70×70 PatchGAN).
    #[arg(long, default_value_t = 3)]
    n_layers: usize,
    /// GAN loss: vanilla (cross-entropy, pix2pix's) or lsgan.
    #[arg(long, default_value = "vanilla")]
    gan_mode: GanMode,
    /// Weight of the L1 term.
    #[arg(long, default_value_t = 100.0)]
    lambda_l1: f64,
    /// How much more pixels whose target is dark (buildings) count in the L1 term; 1 is
    /// pix2pix's L1. Sparse targets need more, or the generator settles on blank output.
    #[arg(long, default_value_t = 1.0)]
    l1_dark_weight: f64,
    /// Adam's learning rate (β1 0.5).
    #[arg(long, default_value_t = 2e-4)]
    lr: f64,
    /// Steps at the constant learning rate.
    #[arg(long, default_value_t = 10_000)]
    steps: u64,
    /// Steps of linear decay to zero after those.
    #[arg(long, default_value_t = 10_000)]
    decay_steps: u64,
    /// Pairs per step.
    #[arg(long, default_value_t = 1)]
    batch_size: usize,
    /// Earlier generated pairs kept to show the discriminator (pix2pix's --pool_size; 0: none).
    #[arg(long, default_value_t = 0)]
    pool_size: usize,
    /// Resize each side to this before cropping (pix2pix's --load_size; jitter when above --crop-size).
    #[arg(long, default_value_t = 256)]
    load_size: u32,
    /// Side of the random crop the networks see (pix2pix's --crop_size).
    #[arg(long, default_value_t = 256)]
    crop_size: u32,
    /// Random horizontal and vertical flips.
    #[arg(long)]
    flip: bool,
    /// Random quarter turns (for map tiles).
    #[arg(long)]
    rotate: bool,
    /// Write a checkpoint every N steps.
    #[arg(long, default_value_t = 500)]
    checkpoint_every: u64,
    /// Write samples.png and losses.png every N steps.
    #[arg(long, default_value_t = 250)]
    sample_every: u64,
    /// Seed of the weights, the data order and every augmentation.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// cpu (burn-flex) or wgpu (a GPU through Vulkan, Metal or DX12).
    #[arg(long, default_value = "cpu")]
    backend: Backend,
}

#[derive(Args)]
struct InitArgs {
    /// Generator architecture.
    #[arg(long, default_value = "unet_256")]
    arch: Architecture,
    /// Filters in the generator's first layer.
    #[arg(long, default_value_t = 64)]
    ngf: usize,
    /// Normalisation layers.
    #[arg(long, default_value = "batch")]
    norm: NormKind,
    /// Seed of the random weights.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Store tensors as f16.
    #[arg(long)]
    f16: bool,
    /// The model file to write.
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(Args)]
struct TilesArgs {
    /// The OpenStreetMap extract (.osm.pbf), e.g. one of Geofabrik's.
    #[arg(long)]
    pbf: PathBuf,
    /// XYZ zoom of the tiles (16 is about 2 m per pixel, as GANmapper's).
    #[arg(long, default_value_t = 16)]
    zoom: i64,
    /// Directory to write `{z}/{x}/{y}.png` pairs (or `{split}/{z}/{x}/{y}.png`) into.
    #[arg(long)]
    out: PathBuf,
    /// `blocks`: train/val/test by blocks of tiles, no neighbours across splits;
    /// `train`, `val` or `test`: the whole extract in one split (a city kept apart).
    #[arg(long, default_value = "none")]
    split: SplitMode,
    /// Side of a split block, in tiles.
    #[arg(long, default_value_t = 8)]
    block_size: u32,
    /// Skip tiles whose building side has fewer dark pixels than this share (0 keeps all).
    #[arg(long, default_value_t = Filters::default().min_building_fraction)]
    min_building_fraction: f64,
    /// Skip tiles whose street side has fewer non-white pixels than this share.
    #[arg(long, default_value_t = Filters::default().min_street_fraction)]
    min_street_fraction: f64,
    /// A pixel counts as white when every channel is at least this.
    #[arg(long, default_value_t = Filters::default().white_threshold)]
    white_threshold: u8,
    /// Also write preview.png, a contact sheet of random pairs.
    #[arg(long)]
    preview: bool,
    /// Replace DIR if it already holds files.
    #[arg(long)]
    force: bool,
    /// Seed of the split and the preview's choice.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// What may be said about the network; checked against the file, never trusted over it.
#[derive(Args)]
struct NetworkFlags {
    /// Generator architecture (inferred from the file).
    #[arg(long)]
    arch: Option<Architecture>,
    /// Filters in the generator's first layer (inferred from the file).
    #[arg(long)]
    ngf: Option<usize>,
    /// Normalisation layers (inferred from the file).
    #[arg(long)]
    norm: Option<NormKind>,
    /// Batch norm statistics: `running` (PyTorch eval()) or `image` (reference test.py without --eval).
    #[arg(long = "norm-stats")]
    norm_stats: Option<NormStats>,
}

impl NetworkFlags {
    fn overrides(&self) -> Overrides {
        Overrides {
            architecture: self.arch,
            ngf: self.ngf,
            norm: self.norm,
            norm_stats: self.norm_stats,
        }
    }
}

#[derive(Args)]
struct TranslateArgs {
    /// A gansketch model file or a reference .pth state dict.
    #[arg(long)]
    model: PathBuf,
    /// Input .png or .npy (float32 NCHW in [-1, 1]), or a directory of PNGs.
    #[arg(long)]
    input: PathBuf,
    /// Output .png or .npy, or a directory when the input is one.
    #[arg(long)]
    output: PathBuf,
    #[command(flatten)]
    network: NetworkFlags,
}

#[derive(Args)]
struct ConvertArgs {
    /// The reference checkpoint (`latest_net_G.pth`) or a gansketch model file.
    input: PathBuf,
    /// The model file to write.
    #[arg(short, long)]
    output: PathBuf,
    /// Store tensors as f16 (half the size; outputs within ~1e-3).
    #[arg(long)]
    f16: bool,
    /// Licence of the weights, recorded in the file (kept from a model file unless given).
    #[arg(long)]
    license: Option<String>,
    /// Attribution line, recorded in the file (e.g. "© OpenStreetMap contributors, ODbL").
    #[arg(long)]
    attribution: Option<String>,
    #[command(flatten)]
    network: NetworkFlags,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(message) => {
            eprintln!("{message}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> gansketch::Result<String> {
    let device = burn::tensor::Device::flex();
    match command {
        Command::Translate(args) => {
            let model = store::load_model_path(&args.model, &args.network.overrides(), &device)?;
            let count = translate_path(&model, &args.input, &args.output, &device)?;
            Ok(format!(
                "translated {count} image(s) with {} ({} norm, {} statistics) into {}",
                model.info.generator.architecture,
                model.info.generator.norm,
                model.norm_stats(),
                args.output.display()
            ))
        }
        Command::Tiles(args) => tiles(args),
        Command::Train(args) => train(args),
        Command::Eval(args) => {
            let model = store::load_model_path(&args.model, &args.network.overrides(), &device)?;
            let grid = args.out.as_deref().map(gansketch::eval::default_grid);
            let report = gansketch::eval::evaluate(&model, &args.data, grid.as_deref(), &device)?;
            if let Some(out) = &args.out {
                store::write_atomically(out, &serde_json::to_vec_pretty(&report).expect("the report serialises"))?;
            }
            Ok(eval_table(&report))
        }
        Command::Init(args) => {
            let config = GeneratorConfig::new(args.arch).with_ngf(args.ngf).with_norm(args.norm);
            let model = store::untrained_model(config, args.seed, street_legend(), &device);
            let storage = if args.f16 { StorageType::F16 } else { StorageType::F32 };
            let bytes = store::save_model(&model, storage);
            store::write_atomically(&args.output, &bytes)?;
            Ok(format!("wrote {} ({} bytes): {}, untrained", args.output.display(), bytes.len(), model.info.name))
        }
        Command::Convert(args) => {
            let mut model = store::load_model_path(&args.input, &args.network.overrides(), &device)?;
            if let Some(license) = args.license {
                model.info.license = license;
            }
            if let Some(attribution) = args.attribution {
                model.info.attribution = attribution;
            }
            let storage = if args.f16 { StorageType::F16 } else { StorageType::F32 };
            let bytes = store::save_model(&model, storage);
            store::write_atomically(&args.output, &bytes)?;
            let config = &model.info.generator;
            Ok(format!(
                "wrote {} ({} bytes): {} ngf {} {} norm, {}→{} channels",
                args.output.display(),
                bytes.len(),
                config.architecture,
                config.ngf,
                config.norm,
                config.input_channels,
                config.output_channels
            ))
        }
    }
}

fn tiles(args: TilesArgs) -> gansketch::Result<String> {
    let zoom = u8::try_from(args.zoom).map_err(|_| gansketch::data::DataError::Zoom { zoom: args.zoom })?;
    let options = TilesOptions {
        split: args.split,
        block_size: args.block_size,
        seed: args.seed,
        filters: Filters {
            min_building_fraction: args.min_building_fraction,
            min_street_fraction: args.min_street_fraction,
            white_threshold: args.white_threshold,
        },
        preview: args.preview,
        force: args.force,
        show_progress: true,
        ..TilesOptions::new(&args.pbf, zoom, &args.out)
    };
    let report = make_tiles(&options)?;
    let read = &report.read;
    let splits: Vec<String> = report.written_per_split.iter().map(|(split, n)| format!("{split} {n}")).collect();
    Ok(format!(
        "{source}: {nodes} nodes, {roads} street ways, {buildings} building ways + {relations} multipolygons ({skipped} buildings skipped: incomplete)\n\
         tiles at zoom {zoom}: {content} with content; skipped {few_buildings} with few buildings, {few_streets} with few streets, {border} on split borders\n\
         wrote {written} pairs ({splits}) to {out} in {seconds:.1} s (reading {reading:.1} s, drawing {drawing:.1} s)\n\
         {attribution}",
        source = report.source,
        nodes = read.nodes,
        roads = read.road_ways,
        buildings = read.building_ways,
        relations = read.building_relations,
        skipped = read.buildings_skipped,
        zoom = report.zoom,
        content = report.tiles_with_content,
        few_buildings = report.skipped_few_buildings,
        few_streets = report.skipped_few_streets,
        border = report.skipped_split_border,
        written = report.written,
        splits = splits.join(", "),
        out = args.out.display(),
        seconds = report.seconds_reading + report.seconds_drawing,
        reading = report.seconds_reading,
        drawing = report.seconds_drawing,
        attribution = report.attribution,
    ))
}

fn train(args: TrainArgs) -> gansketch::Result<String> {
    let options = TrainOptions {
        data: args.data,
        run: args.out,
        generator: GeneratorConfig::new(args.arch).with_ngf(args.ngf).with_norm(args.norm).with_dropout(!args.no_dropout),
        discriminator: DiscriminatorConfig { input_channels: 6, ndf: args.ndf, n_layers: args.n_layers, norm: args.norm },
        gan: args.gan_mode,
        lambda_l1: args.lambda_l1,
        l1_dark_weight: args.l1_dark_weight,
        schedule: Schedule { lr: args.lr, steps: args.steps, decay_steps: args.decay_steps },
        batch_size: args.batch_size,
        pool_size: args.pool_size,
        augment: Augment { load_size: args.load_size.max(args.crop_size), crop_size: args.crop_size, flip: args.flip, rotate: args.rotate },
        checkpoint_every: args.checkpoint_every,
        sample_every: args.sample_every,
        seed: args.seed,
        backend: args.backend,
    };
    let session = Session { resume: args.resume, max_steps: args.session_steps, show_progress: true };
    let report = gansketch::train::train(options, session)?;
    let resumed = report.resumed_from.map_or_else(String::new, |step| format!(" (resumed at step {step})"));
    Ok(format!(
        "trained {} of {} steps{resumed} in {:.0} s ({:.2} steps/s this session); last losses: G L1 {:.3}, G GAN {:.3}, D real {:.3}, D fake {:.3}\nwrote {}",
        report.steps, report.total, report.seconds, report.steps_per_second, report.last.g_l1, report.last.g_gan, report.last.d_real, report.last.d_fake, report.model.display()
    ))
}

fn eval_table(report: &gansketch::eval::EvalReport) -> String {
    let mut table = format!("{:<16} {:<14} {:>6} {:>9} {:>7} {:>6} {:>6} {:>6} {:>10} {:>8}\n", "group", "predictor", "tiles", "precision", "recall", "F1", "IoU", "L1", "footprints", "area KS");
    let groups = report.groups.iter().map(|(n, g)| (n.as_str(), g)).chain(std::iter::once(("all", &report.all)));
    for (name, group) in groups {
        for (predictor, s) in [("model", &group.model), ("no buildings", &group.no_buildings), ("street band", &group.street_band)] {
            table.push_str(&format!(
                "{name:<16} {predictor:<14} {:>6} {:>9.3} {:>7.3} {:>6.3} {:>6.3} {:>6.3} {:>4}/{:<5} {:>8.3}\n",
                s.tiles, s.precision, s.recall, s.f1, s.iou, s.l1, s.footprints, s.target_footprints, s.area_ks
            ));
        }
    }
    table
}
