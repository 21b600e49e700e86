//! The `gansketch` commands: a thin face over the library.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use gansketch::data::split::SplitMode;
use gansketch::data::{Filters, TilesOptions, make_tiles};
use gansketch::data::palette::street_legend;
use gansketch::model::{Architecture, GeneratorConfig, NormKind, NormStats};
use gansketch::store::{self, Overrides, StorageType};
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
    /// Convert a reference pix2pix checkpoint (.pth) into a gansketch model file.
    Convert(ConvertArgs),
    /// Draw A|B training pairs (streets | buildings) from an OpenStreetMap extract.
    Tiles(TilesArgs),
    /// Write a freshly initialised (untrained) generator as a model file.
    Init(InitArgs),
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
    /// The reference checkpoint (`latest_net_G.pth`).
    input: PathBuf,
    /// The model file to write.
    #[arg(short, long)]
    output: PathBuf,
    /// Store tensors as f16 (half the size; outputs within ~1e-3).
    #[arg(long)]
    f16: bool,
    /// Licence of the weights, recorded in the file.
    #[arg(long, default_value = "")]
    license: String,
    /// Attribution line, recorded in the file (e.g. "© OpenStreetMap contributors, ODbL").
    #[arg(long, default_value = "")]
    attribution: String,
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
        Command::Init(args) => {
            let config = GeneratorConfig::new(args.arch).with_ngf(args.ngf).with_norm(args.norm);
            let model = store::untrained_model(config, args.seed, street_legend(), &device);
            let storage = if args.f16 { StorageType::F16 } else { StorageType::F32 };
            let bytes = store::save_model(&model, storage);
            store::write_atomically(&args.output, &bytes)?;
            Ok(format!("wrote {} ({} bytes): {}, untrained", args.output.display(), bytes.len(), model.info.name))
        }
        Command::Convert(args) => {
            let mut model = store::load_checkpoint(&args.input, &args.network.overrides(), &device)?;
            model.info.license = args.license;
            model.info.attribution = args.attribution;
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
