//! Weights in and out: our model file (everywhere) and reference checkpoints (native).

mod model_file;
#[cfg(not(target_family = "wasm"))]
mod reference;
#[cfg(not(target_family = "wasm"))]
mod write;

pub use model_file::{LegendEntry, ModelFile, ModelFileError, ModelInfo, StorageType, UnverifiedModelFile, encode, is_model_file};
#[cfg(not(target_family = "wasm"))]
pub use reference::{Checkpoint, CheckpointError};
#[cfg(not(target_family = "wasm"))]
pub use write::write_atomically;

use burn::tensor::Device;

use crate::error::{Error, Result};
use crate::model::{Architecture, Generator, GeneratorConfig, NormKind, NormStats};

/// What the caller says about a model, checked against what the file says.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub architecture: Option<Architecture>,
    pub ngf: Option<usize>,
    pub norm: Option<NormKind>,
    /// The one choice a file cannot make for the caller: which statistics to normalise with.
    pub norm_stats: Option<NormStats>,
}

impl Overrides {
    /// Fails when a flag names a network other than the one the file holds.
    fn check(&self, config: &GeneratorConfig) -> Result<()> {
        let found = || format!("{} with ngf {} and {} norm", config.architecture, config.ngf, config.norm);
        let contradiction = |flag, given: String| Error::Contradiction { flag, given, found: found() };
        if let Some(arch) = self.architecture.filter(|&a| a != config.architecture) {
            return Err(contradiction("--arch", arch.to_string()));
        }
        if let Some(ngf) = self.ngf.filter(|&n| n != config.ngf) {
            return Err(contradiction("--ngf", ngf.to_string()));
        }
        if let Some(norm) = self.norm.filter(|&n| n != config.norm) {
            return Err(contradiction("--norm", norm.to_string()));
        }
        Ok(())
    }
}

/// A generator ready to run, with the description its file gave.
#[derive(Debug)]
pub struct LoadedModel {
    pub generator: Generator,
    pub info: ModelInfo,
}

impl LoadedModel {
    pub fn norm_stats(&self) -> NormStats {
        self.info.norm_stats
    }
}

/// Loads one of our model files from its bytes.
pub fn load_model_bytes(bytes: &[u8], overrides: &Overrides, device: &Device) -> Result<LoadedModel> {
    load_model_file(&ModelFile::parse(bytes)?, overrides, device)
}

/// Builds the generator a parsed and verified model file describes.
pub fn load_model_file(file: &ModelFile, overrides: &Overrides, device: &Device) -> Result<LoadedModel> {
    let mut info = file.info.clone();
    overrides.check(&info.generator)?;
    let mut weights = file.weights();
    let generator = Generator::build(info.generator.clone(), &mut weights, device)?;
    let unused = weights.unused();
    if !unused.is_empty() {
        return Err(Error::UnusedTensors(unused));
    }
    info.norm_stats = overrides.norm_stats.unwrap_or(info.norm_stats);
    Ok(LoadedModel { generator, info })
}

/// Loads a reference checkpoint, inferring the network from its tensors.
#[cfg(not(target_family = "wasm"))]
pub fn load_checkpoint(path: &std::path::Path, overrides: &Overrides, device: &Device) -> Result<LoadedModel> {
    let checkpoint = Checkpoint::open(path)?;
    let config = checkpoint.infer_config()?;
    overrides.check(&config)?;
    let mut weights = checkpoint.weights();
    let generator = Generator::build(config.clone(), &mut weights, device)?;
    let unused = weights.unused();
    if !unused.is_empty() {
        return Err(Error::UnusedTensors(unused));
    }
    let tile_size = config.architecture.unet_depth().map_or(256, |depth| 1 << depth);
    let name = path.file_stem().map_or_else(|| "model".into(), |s| s.to_string_lossy().into_owned());
    let info = ModelInfo {
        name,
        generator: config,
        norm_stats: overrides.norm_stats.unwrap_or_default(),
        tile_size,
        legend: Vec::new(),
        provenance: serde_json::json!({
            "converted_from": path.file_name().map(|n| n.to_string_lossy().into_owned()),
            "source_format": "PyTorch state_dict of junyanz/pytorch-CycleGAN-and-pix2pix",
        }),
        license: String::new(),
        attribution: String::new(),
    };
    Ok(LoadedModel { generator, info })
}

/// Loads our model file or a reference checkpoint, whichever `path` holds.
#[cfg(not(target_family = "wasm"))]
pub fn load_model_path(path: &std::path::Path, overrides: &Overrides, device: &Device) -> Result<LoadedModel> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    match is_model_file(&bytes) {
        true => load_model_bytes(&bytes, overrides, device),
        false => load_checkpoint(path, overrides, device),
    }
}

/// A freshly initialised generator (pix2pix's N(0, 0.02)), marked untrained in its
/// provenance so that the page says so. `legend` is what its input colours mean.
pub fn untrained_model(config: GeneratorConfig, seed: u64, legend: Vec<LegendEntry>, device: &Device) -> LoadedModel {
    let tile_size = config.architecture.unet_depth().map_or(256, |depth| 1 << depth);
    let info = ModelInfo {
        name: format!("untrained {} ngf {}", config.architecture, config.ngf),
        generator: config.clone(),
        norm_stats: NormStats::Running,
        tile_size,
        legend,
        provenance: serde_json::json!({ "untrained": true, "seed": seed }),
        license: String::new(),
        attribution: String::new(),
    };
    LoadedModel { generator: Generator::init(config, seed, device), info }
}

/// The bytes of a model file holding `model`.
pub fn save_model(model: &LoadedModel, storage: StorageType) -> Vec<u8> {
    encode(&model.info, &model.generator.tensors(), storage)
}
