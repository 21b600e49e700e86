//! Reference pix2pix checkpoints: `torch.save(net.state_dict())` of junyanz's
//! `UnetGenerator` / `ResnetGenerator`. The pickle is parsed by `pytorch-reader`,
//! never executed; the network is inferred from the tensor names and shapes.

use burn::tensor::TensorData;
use pytorch_reader::{DType, PytorchReader};
use std::collections::HashMap;
use std::path::Path;

use crate::model::{Architecture, GeneratorConfig, Init, NormKind, WeightError, WeightSource};

#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("not a PyTorch checkpoint ({0}); expected a file written by torch.save(net.state_dict())")]
    Unreadable(String),
    #[error("{0}")]
    NotAGenerator(String),
}

/// The tensors of a reference checkpoint, by state-dict name.
pub struct Checkpoint {
    tensors: HashMap<String, pytorch_reader::Tensor>,
}

impl Checkpoint {
    pub fn open(path: &Path) -> Result<Self, CheckpointError> {
        let reader = PytorchReader::new(path).map_err(|e| CheckpointError::Unreadable(e.to_string()))?;
        // `torch.save(nn.DataParallel(net).state_dict())` prefixes every key with `module.`.
        let tensors = reader
            .into_tensors()
            .into_iter()
            .map(|(key, tensor)| (key.strip_prefix("module.").map(str::to_string).unwrap_or(key), tensor))
            .collect::<HashMap<_, _>>();
        if tensors.is_empty() {
            return Err(CheckpointError::Unreadable("it holds no tensors".into()));
        }
        Ok(Checkpoint { tensors })
    }

    fn shape(&self, key: &str) -> Option<&[usize]> {
        self.tensors.get(key).map(|t| t.shape())
    }

    fn has(&self, key: &str) -> bool {
        self.tensors.contains_key(key)
    }

    /// Reads the generator's description off its tensor names and shapes.
    pub fn infer_config(&self) -> Result<GeneratorConfig, CheckpointError> {
        if let Some(first) = self.shape("model.model.0.weight") {
            self.infer_unet(first)
        } else if let Some(stem) = self.shape("model.1.weight").filter(|s| s.len() == 4 && s[2] == 7) {
            self.infer_resnet(stem)
        } else if self.shape("model.0.weight").is_some_and(|s| s.len() == 4 && s[2] == 4) {
            Err(CheckpointError::NotAGenerator(
                "this checkpoint is a PatchGAN discriminator (NLayerDiscriminator, latest_net_D.pth), not a generator: use the generator's latest_net_G.pth".into(),
            ))
        } else {
            let mut keys: Vec<&String> = self.tensors.keys().collect();
            keys.sort();
            let sample: Vec<&str> = keys.iter().take(4).map(|k| k.as_str()).collect();
            Err(CheckpointError::NotAGenerator(format!(
                "this checkpoint is not a pix2pix generator: expected `model.model.0.weight` (U-Net) or a 7×7 `model.1.weight` (ResNet), found keys such as {sample:?}"
            )))
        }
    }

    fn infer_unet(&self, first: &[usize]) -> Result<GeneratorConfig, CheckpointError> {
        let malformed = |what: &str| CheckpointError::NotAGenerator(format!("a U-Net checkpoint whose {what}"));
        if first.len() != 4 {
            return Err(malformed(&format!("first convolution has shape {first:?} (expected 4 dimensions)")));
        }
        // Block `level` holds its down-convolution at `<prefix>.1.weight`; count the blocks.
        let mut prefix = String::from("model.model");
        let mut depth = 1;
        loop {
            prefix.push_str(if depth == 1 { ".1.model" } else { ".3.model" });
            if !self.has(&format!("{prefix}.1.weight")) {
                break;
            }
            depth += 1;
        }
        let architecture = match depth {
            7 => Architecture::Unet128,
            8 => Architecture::Unet256,
            _ => {
                return Err(malformed(&format!(
                    "nesting is {depth} blocks deep; pix2pix's U-Nets have 7 (unet_128) or 8 (unet_256)"
                )));
            }
        };
        let output_channels = self
            .shape("model.model.3.weight")
            .filter(|s| s.len() == 4)
            .map(|s| s[1])
            .ok_or_else(|| malformed("outermost up-convolution `model.model.3.weight` is missing"))?;
        let norm = if self.has("model.model.1.model.2.running_mean") {
            NormKind::Batch
        } else if self.has("model.model.0.bias") {
            NormKind::Instance
        } else {
            NormKind::None
        };
        Ok(GeneratorConfig::new(architecture)
            .with_ngf(first[0])
            .with_channels(first[1], output_channels)
            .with_norm(norm))
    }

    fn infer_resnet(&self, stem: &[usize]) -> Result<GeneratorConfig, CheckpointError> {
        let blocks = (10..).take_while(|i| self.has(&format!("model.{i}.conv_block.1.weight"))).count();
        let architecture = match blocks {
            6 => Architecture::Resnet6Blocks,
            9 => Architecture::Resnet9Blocks,
            _ => {
                return Err(CheckpointError::NotAGenerator(format!(
                    "a ResNet checkpoint with {blocks} residual blocks; pix2pix's have 6 (resnet_6blocks) or 9 (resnet_9blocks)"
                )));
            }
        };
        // With dropout the block's second convolution sits at index 6, without at 5 (and 6
        // is then its norm, whose weight is a vector).
        let dropout = self.shape("model.10.conv_block.6.weight").is_some_and(|s| s.len() == 4);
        let head = format!("model.{}.weight", 10 + blocks + 7);
        let output_channels = self.shape(&head).map(|s| s[0]).ok_or_else(|| {
            CheckpointError::NotAGenerator(format!("a ResNet checkpoint without its head convolution `{head}`"))
        })?;
        let norm = if self.has("model.2.running_mean") {
            NormKind::Batch
        } else if self.has("model.1.bias") {
            NormKind::Instance
        } else {
            NormKind::None
        };
        Ok(GeneratorConfig::new(architecture)
            .with_ngf(stem[0])
            .with_channels(stem[1], output_channels)
            .with_norm(norm)
            .with_dropout(dropout))
    }

    /// A weight source over this checkpoint that remembers which tensors were taken.
    pub fn weights(&self) -> CheckpointWeights<'_> {
        CheckpointWeights { checkpoint: self, taken: Vec::new() }
    }
}

pub struct CheckpointWeights<'a> {
    checkpoint: &'a Checkpoint,
    taken: Vec<String>,
}

impl CheckpointWeights<'_> {
    /// Tensors in the checkpoint that the network did not ask for (batch counters aside).
    pub fn unused(&self) -> Vec<String> {
        let mut unused: Vec<String> = self
            .checkpoint
            .tensors
            .keys()
            .filter(|key| !key.ends_with("num_batches_tracked") && !self.taken.contains(key))
            .cloned()
            .collect();
        unused.sort();
        unused
    }
}

impl WeightSource for CheckpointWeights<'_> {
    fn take(&mut self, key: &str, shape: &[usize], _init: Init) -> Result<TensorData, WeightError> {
        let tensor = self.checkpoint.tensors.get(key).ok_or_else(|| WeightError::Missing {
            key: key.to_string(),
            expected: shape.to_vec(),
        })?;
        if tensor.shape() != shape {
            return Err(WeightError::Shape {
                key: key.to_string(),
                expected: shape.to_vec(),
                found: tensor.shape().to_vec(),
            });
        }
        let unreadable = |reason: String| WeightError::Unreadable { key: key.to_string(), reason };
        let bytes = tensor.read().map_err(|e| unreadable(e.to_string()))?;
        let values: Vec<f32> = match tensor.dtype() {
            DType::F32 => bytes.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes"))).collect(),
            DType::F64 => bytes.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().expect("8 bytes")) as f32).collect(),
            DType::F16 => bytes.chunks_exact(2).map(|c| half::f16::from_le_bytes([c[0], c[1]]).to_f32()).collect(),
            DType::BF16 => bytes.chunks_exact(2).map(|c| half::bf16::from_le_bytes([c[0], c[1]]).to_f32()).collect(),
            other => return Err(unreadable(format!("element type {other:?}, expected a floating-point type"))),
        };
        self.taken.push(key.to_string());
        Ok(TensorData::new(values, shape.to_vec()))
    }
}
