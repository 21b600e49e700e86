//! The pix2pix networks in pure burn: what `models/networks.py` is to the reference.
//! No files, no web, no training loop here.

mod config;
mod layers;
mod patchgan;
mod resnet;
mod unet;
mod weights;

pub use config::{Architecture, DiscriminatorConfig, GeneratorConfig, NormKind, NormStats};
pub use patchgan::PatchGan;
pub use resnet::ResnetGenerator;
pub use layers::ConvShape;
pub use unet::{UnetGenerator, block_shapes as unet_block_shapes};
pub use weights::{Init, NamedTensor, RandomInit, TensorSink, WeightError, WeightSource};

use burn::module::Module;
use burn::tensor::{Device, Tensor};

#[derive(Module, Debug)]
pub enum Network {
    Unet(UnetGenerator),
    Resnet(ResnetGenerator),
}

/// A generator with the description it was built from.
#[derive(Module, Debug)]
pub struct Generator {
    network: Network,
    #[module(skip)]
    config: GeneratorConfig,
}

/// An input the generator cannot take, with what it needs instead.
#[derive(Debug, thiserror::Error, PartialEq)]
#[error("{0}")]
pub struct InputShapeError(pub String);

impl Generator {
    /// Builds the network `config` describes, asking `source` for every tensor.
    pub fn build(
        config: GeneratorConfig,
        source: &mut impl WeightSource,
        device: &Device,
    ) -> Result<Self, WeightError> {
        let network = match (config.architecture.unet_depth(), config.architecture.resnet_blocks()) {
            (Some(depth), _) => Network::Unet(UnetGenerator::build(&config, depth, source, device)?),
            (None, Some(blocks)) => Network::Resnet(ResnetGenerator::build(&config, blocks, source, device)?),
            (None, None) => unreachable!("every architecture is a U-Net or a ResNet"),
        };
        Ok(Generator { network, config })
    }

    /// A freshly initialised generator (weights N(0, 0.02), as pix2pix's `init_weights`).
    pub fn init(config: GeneratorConfig, seed: u64, device: &Device) -> Self {
        Self::build(config, &mut RandomInit::new(seed), device)
            .expect("random initialisation supplies every tensor")
    }

    pub fn config(&self) -> &GeneratorConfig {
        &self.config
    }

    /// Checks `[batch, channels, height, width]` against what the architecture accepts.
    pub fn check_input(&self, dims: [usize; 4]) -> Result<(), InputShapeError> {
        let [batch, channels, height, width] = dims;
        let config = &self.config;
        if batch == 0 {
            return Err(InputShapeError("the input holds no image (batch of 0)".into()));
        }
        if channels != config.input_channels {
            return Err(InputShapeError(format!(
                "the model takes {} input channel(s), the input has {channels}",
                config.input_channels
            )));
        }
        let multiple = config.architecture.size_multiple();
        // A ResNet reflects 3 pixels at full size and 1 at quarter size: it needs 8 px.
        let minimum = multiple.max(8);
        let fits = |side: usize| side >= minimum && side % multiple == 0;
        if !fits(height) || !fits(width) {
            return Err(InputShapeError(format!(
                "{} takes images whose height and width are multiples of {multiple} (at least {minimum}); the input is {width}×{height}",
                config.architecture
            )));
        }
        Ok(())
    }

    /// Translates a batch of images in [-1, 1] into images in [-1, 1] (NCHW).
    /// Call [`Generator::check_input`] first on input you did not make.
    pub fn forward(&self, x: Tensor<4>, stats: NormStats) -> Tensor<4> {
        match &self.network {
            Network::Unet(net) => net.forward(x, stats),
            Network::Resnet(net) => net.forward(x, stats),
        }
    }

    /// Checks the input, then translates it one image at a time, so that `image`
    /// statistics are each image's own, as the reference's batch-of-one `test.py`.
    pub fn translate(&self, x: Tensor<4>, stats: NormStats) -> Result<Tensor<4>, InputShapeError> {
        let dims = x.dims();
        self.check_input(dims)?;
        if dims[0] == 1 || stats == NormStats::Running || self.config.norm != NormKind::Batch {
            return Ok(self.forward(x, stats));
        }
        let images = x.chunk(dims[0], 0).into_iter().map(|image| self.forward(image, stats)).collect();
        Ok(Tensor::cat(images, 0))
    }

    /// Every tensor under its reference state-dict name.
    pub fn tensors(&self) -> Vec<NamedTensor> {
        let mut sink = TensorSink::default();
        match &self.network {
            Network::Unet(net) => net.export(&mut sink),
            Network::Resnet(net) => net.export(&mut sink),
        }
        sink.tensors
    }

}
