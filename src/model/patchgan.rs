//! pix2pix's `NLayerDiscriminator` (PatchGAN): a stack of 4×4 convolutions that scores
//! overlapping patches of the (input, output) pair as real or fake.

use burn::module::Module;
use burn::tensor::activation::leaky_relu;
use burn::tensor::{Device, Tensor};

use super::config::{DiscriminatorConfig, NormStats};
use super::layers::{Conv, ConvShape, Norm};
use super::weights::{TensorSink, WeightError, WeightSource};

#[derive(Module, Debug)]
pub struct PatchLayer {
    conv: Conv,
    norm: Norm,
}

#[derive(Module, Debug)]
pub struct PatchGan {
    first: Conv,
    /// `n_layers - 1` stride-2 layers, then one stride-1 layer.
    layers: Vec<PatchLayer>,
    last: Conv,
}

impl PatchGan {
    pub fn build(
        config: &DiscriminatorConfig,
        source: &mut impl WeightSource,
        device: &Device,
    ) -> Result<Self, WeightError> {
        let (ndf, bias) = (config.ndf, config.norm.conv_has_bias());
        let first = Conv::build(source, "model.0".into(), ConvShape { input: config.input_channels, output: ndf, kernel: 4, stride: 2, padding: 1, bias: true }, device)?;
        let mut layers = Vec::new();
        let mut multiple = 1;
        for n in 1..=config.n_layers {
            let previous = multiple;
            multiple = (1 << n).min(8);
            let stride = if n == config.n_layers { 1 } else { 2 };
            // Sequential indices: [conv, lrelu] then [conv, norm, lrelu] per layer.
            let index = 2 + 3 * (n - 1);
            layers.push(PatchLayer {
                conv: Conv::build(source, format!("model.{index}"), ConvShape { input: ndf * previous, output: ndf * multiple, kernel: 4, stride, padding: 1, bias }, device)?,
                norm: Norm::build(source, format!("model.{}", index + 1), config.norm, ndf * multiple, device)?,
            });
        }
        let last_index = 2 + 3 * config.n_layers;
        let last = Conv::build(source, format!("model.{last_index}"), ConvShape { input: ndf * multiple, output: 1, kernel: 4, stride: 1, padding: 1, bias: true }, device)?;
        Ok(PatchGan { first, layers, last })
    }

    /// Patch logits (no sigmoid: the GAN loss applies it) for `pair` = cat(input, output).
    pub fn forward(&self, pair: Tensor<4>, stats: NormStats) -> Tensor<4> {
        let mut h = leaky_relu(self.first.forward(pair), 0.2);
        for layer in &self.layers {
            h = leaky_relu(layer.norm.forward(layer.conv.forward(h), stats), 0.2);
        }
        self.last.forward(h)
    }

    pub fn export(&self, sink: &mut TensorSink) {
        self.first.export(sink);
        for layer in &self.layers {
            layer.conv.export(sink);
            layer.norm.export(sink);
        }
        self.last.export(sink);
    }
}
