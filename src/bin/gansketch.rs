//! The `gansketch` command line: a thin face over the library.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use gansketch::model::{Architecture, NormKind, NormStats};
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

fn main() -> ExitCode {
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
