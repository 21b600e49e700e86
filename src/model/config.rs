//! Everything that names a network: the options pix2pix's `define_G` / `define_D` take.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The generator architectures of the reference implementation (`--netG`).
/// Model files name them as the reference does (`unet_256`); the aliases read files written
/// before that was so.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Architecture {
    #[serde(rename = "unet_128", alias = "unet128")]
    Unet128,
    #[serde(rename = "unet_256", alias = "unet256")]
    Unet256,
    #[serde(rename = "resnet_6blocks", alias = "resnet6_blocks")]
    Resnet6Blocks,
    #[serde(rename = "resnet_9blocks", alias = "resnet9_blocks")]
    Resnet9Blocks,
}

impl Architecture {
    pub const ALL: [Architecture; 4] = [
        Architecture::Unet128,
        Architecture::Unet256,
        Architecture::Resnet6Blocks,
        Architecture::Resnet9Blocks,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Architecture::Unet128 => "unet_128",
            Architecture::Unet256 => "unet_256",
            Architecture::Resnet6Blocks => "resnet_6blocks",
            Architecture::Resnet9Blocks => "resnet_9blocks",
        }
    }

    /// Number of stride-2 downsamplings of a U-Net (`num_downs`), `None` for a ResNet.
    pub fn unet_depth(self) -> Option<usize> {
        match self {
            Architecture::Unet128 => Some(7),
            Architecture::Unet256 => Some(8),
            _ => None,
        }
    }

    /// Number of residual blocks of a ResNet generator, `None` for a U-Net.
    pub fn resnet_blocks(self) -> Option<usize> {
        match self {
            Architecture::Resnet6Blocks => Some(6),
            Architecture::Resnet9Blocks => Some(9),
            _ => None,
        }
    }

    /// Height and width must be multiples of this for the output to have the input's size.
    pub fn size_multiple(self) -> usize {
        match self.unet_depth() {
            Some(depth) => 1 << depth,
            None => 4,
        }
    }
}

impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Architecture {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        Architecture::ALL
            .into_iter()
            .find(|arch| arch.name() == text)
            .ok_or_else(|| format!("unknown architecture `{text}`: expected one of unet_128, unet_256, resnet_6blocks, resnet_9blocks"))
    }
}

/// Normalisation layer (`--norm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NormKind {
    /// `BatchNorm2d(affine=True, track_running_stats=True)`.
    Batch,
    /// `InstanceNorm2d(affine=False, track_running_stats=False)`: no parameters.
    Instance,
    /// Identity.
    None,
}

impl NormKind {
    pub fn name(self) -> &'static str {
        match self {
            NormKind::Batch => "batch",
            NormKind::Instance => "instance",
            NormKind::None => "none",
        }
    }

    /// pix2pix gives convolutions followed by a norm a bias only for instance norm
    /// (`use_bias = norm_layer == InstanceNorm2d`), so `none` has no biases either.
    pub fn conv_has_bias(self) -> bool {
        self == NormKind::Instance
    }
}

impl fmt::Display for NormKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for NormKind {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "batch" => Ok(NormKind::Batch),
            "instance" => Ok(NormKind::Instance),
            "none" => Ok(NormKind::None),
            _ => Err(format!("unknown norm `{text}`: expected batch, instance or none")),
        }
    }
}

/// Which statistics batch norm layers normalise with at inference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum NormStats {
    /// Running mean and variance, as PyTorch's `net.eval()`.
    #[default]
    Running,
    /// Mean and variance of the image itself, as the reference `test.py` without `--eval`.
    Image,
}

impl NormStats {
    pub fn name(self) -> &'static str {
        match self {
            NormStats::Running => "running",
            NormStats::Image => "image",
        }
    }
}

impl fmt::Display for NormStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for NormStats {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "running" => Ok(NormStats::Running),
            "image" => Ok(NormStats::Image),
            _ => Err(format!("unknown norm statistics `{text}`: expected running or image")),
        }
    }
}

/// A generator's full description: enough to build it and to name every tensor it holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratorConfig {
    pub architecture: Architecture,
    pub input_channels: usize,
    pub output_channels: usize,
    pub ngf: usize,
    pub norm: NormKind,
    /// Dropout (p = 0.5) in the inner U-Net blocks / inside ResNet blocks. Off at inference,
    /// but it shifts the ResNet block's layer indices in reference checkpoints.
    pub dropout: bool,
}

impl GeneratorConfig {
    /// pix2pix's defaults for an RGB → RGB model.
    pub fn new(architecture: Architecture) -> Self {
        GeneratorConfig {
            architecture,
            input_channels: 3,
            output_channels: 3,
            ngf: 64,
            norm: NormKind::Batch,
            dropout: true,
        }
    }

    pub fn with_ngf(mut self, ngf: usize) -> Self {
        self.ngf = ngf;
        self
    }

    pub fn with_norm(mut self, norm: NormKind) -> Self {
        self.norm = norm;
        self
    }

    pub fn with_channels(mut self, input: usize, output: usize) -> Self {
        self.input_channels = input;
        self.output_channels = output;
        self
    }

    pub fn with_dropout(mut self, dropout: bool) -> Self {
        self.dropout = dropout;
        self
    }
}

/// The PatchGAN discriminator (`NLayerDiscriminator`, `--netD basic` is `n_layers = 3`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscriminatorConfig {
    /// Channels it sees: input and output of the generator, concatenated.
    pub input_channels: usize,
    pub ndf: usize,
    pub n_layers: usize,
    pub norm: NormKind,
}

impl DiscriminatorConfig {
    pub fn new(input_channels: usize) -> Self {
        DiscriminatorConfig {
            input_channels,
            ndf: 64,
            n_layers: 3,
            norm: NormKind::Batch,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Architecture;

    #[test]
    fn files_name_architectures_as_the_reference() {
        for architecture in Architecture::ALL {
            let json = serde_json::to_string(&architecture).unwrap();
            assert_eq!(json, format!("\"{}\"", architecture.name()));
            assert_eq!(serde_json::from_str::<Architecture>(&json).unwrap(), architecture);
        }
        // Files written before the names were fixed still load.
        assert_eq!(serde_json::from_str::<Architecture>("\"unet256\"").unwrap(), Architecture::Unet256);
        assert_eq!(serde_json::from_str::<Architecture>("\"resnet9_blocks\"").unwrap(), Architecture::Resnet9Blocks);
    }
}
