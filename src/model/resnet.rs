//! pix2pix's `ResnetGenerator`: reflection-padded 7×7 stem, two stride-2 downsamplings,
//! residual blocks, two transposed-convolution upsamplings, 7×7 head and tanh.

use burn::module::Module;
use burn::nn::Dropout;
use burn::tensor::activation::relu;
use burn::tensor::ops::PadMode;
use burn::tensor::{Device, Tensor};

use super::config::{GeneratorConfig, NormStats};
use super::layers::{Conv, ConvShape, ConvUp, Norm, dropout, tanh};
use super::weights::{TensorSink, WeightError, WeightSource};

const DOWNSAMPLINGS: usize = 2;

fn reflect(x: Tensor<4>, pad: usize) -> Tensor<4> {
    x.pad([(pad, pad), (pad, pad)], PadMode::Reflect)
}

/// `ResnetBlock`: x + (pad, conv, norm, relu, [dropout], pad, conv, norm)(x).
#[derive(Module, Debug)]
pub struct ResnetBlock {
    conv1: Conv,
    norm1: Norm,
    dropout: Option<Dropout>,
    conv2: Conv,
    norm2: Norm,
}

impl ResnetBlock {
    fn build(
        source: &mut impl WeightSource,
        prefix: &str,
        config: &GeneratorConfig,
        channels: usize,
        device: &Device,
    ) -> Result<Self, WeightError> {
        let shape = ConvShape { input: channels, output: channels, kernel: 3, stride: 1, padding: 0, bias: config.norm.conv_has_bias() };
        // `conv_block` indices: [pad, conv, norm, relu, (dropout), pad, conv, norm].
        let second = if config.dropout { 6 } else { 5 };
        Ok(ResnetBlock {
            conv1: Conv::build(source, format!("{prefix}.conv_block.1"), shape, device)?,
            norm1: Norm::build(source, format!("{prefix}.conv_block.2"), config.norm, channels, device)?,
            dropout: config.dropout.then(dropout),
            conv2: Conv::build(source, format!("{prefix}.conv_block.{second}"), shape, device)?,
            norm2: Norm::build(source, format!("{prefix}.conv_block.{}", second + 1), config.norm, channels, device)?,
        })
    }

    fn forward(&self, x: Tensor<4>, stats: NormStats) -> Tensor<4> {
        let mut h = relu(self.norm1.forward(self.conv1.forward(reflect(x.clone(), 1)), stats));
        if let Some(dropout) = &self.dropout {
            h = dropout.forward(h);
        }
        x + self.norm2.forward(self.conv2.forward(reflect(h, 1)), stats)
    }

    fn export(&self, sink: &mut TensorSink) {
        self.conv1.export(sink);
        self.norm1.export(sink);
        self.conv2.export(sink);
        self.norm2.export(sink);
    }
}

#[derive(Module, Debug)]
pub struct ConvNorm<C> {
    conv: C,
    norm: Norm,
}

#[derive(Module, Debug)]
pub struct ResnetGenerator {
    stem: ConvNorm<Conv>,
    downs: Vec<ConvNorm<Conv>>,
    blocks: Vec<ResnetBlock>,
    ups: Vec<ConvNorm<ConvUp>>,
    head: Conv,
}

impl ResnetGenerator {
    pub fn build(
        config: &GeneratorConfig,
        n_blocks: usize,
        source: &mut impl WeightSource,
        device: &Device,
    ) -> Result<Self, WeightError> {
        let (ngf, norm, bias) = (config.ngf, config.norm, config.norm.conv_has_bias());
        // Indices in the top-level `nn.Sequential`, which also holds pads and ReLUs.
        let stem = ConvNorm {
            conv: Conv::build(source, "model.1".into(), ConvShape { input: config.input_channels, output: ngf, kernel: 7, stride: 1, padding: 0, bias }, device)?,
            norm: Norm::build(source, "model.2".into(), norm, ngf, device)?,
        };
        let mut downs = Vec::new();
        for i in 0..DOWNSAMPLINGS {
            let (input, index) = (ngf << i, 4 + 3 * i);
            downs.push(ConvNorm {
                conv: Conv::build(source, format!("model.{index}"), ConvShape { input, output: input * 2, kernel: 3, stride: 2, padding: 1, bias }, device)?,
                norm: Norm::build(source, format!("model.{}", index + 1), norm, input * 2, device)?,
            });
        }
        let first_block = 1 + 3 * (DOWNSAMPLINGS + 1);
        let width = ngf << DOWNSAMPLINGS;
        let blocks = (0..n_blocks)
            .map(|i| ResnetBlock::build(source, &format!("model.{}", first_block + i), config, width, device))
            .collect::<Result<Vec<_>, _>>()?;
        let mut ups = Vec::new();
        for i in 0..DOWNSAMPLINGS {
            let (input, index) = (width >> i, first_block + n_blocks + 3 * i);
            ups.push(ConvNorm {
                conv: ConvUp::build(source, format!("model.{index}"), ConvShape { input, output: input / 2, kernel: 3, stride: 2, padding: 1, bias }, 1, device)?,
                norm: Norm::build(source, format!("model.{}", index + 1), norm, input / 2, device)?,
            });
        }
        // After the ups: a reflection pad, then the head convolution, which always has a bias.
        let head_index = first_block + n_blocks + 3 * DOWNSAMPLINGS + 1;
        let head = Conv::build(source, format!("model.{head_index}"), ConvShape { input: ngf, output: config.output_channels, kernel: 7, stride: 1, padding: 0, bias: true }, device)?;
        Ok(ResnetGenerator { stem, downs, blocks, ups, head })
    }

    pub fn forward(&self, x: Tensor<4>, stats: NormStats) -> Tensor<4> {
        let mut h = relu(self.stem.norm.forward(self.stem.conv.forward(reflect(x, 3)), stats));
        for down in &self.downs {
            h = relu(down.norm.forward(down.conv.forward(h), stats));
        }
        for block in &self.blocks {
            h = block.forward(h, stats);
        }
        for up in &self.ups {
            h = relu(up.norm.forward(up.conv.forward(h), stats));
        }
        tanh(self.head.forward(reflect(h, 3)))
    }

    pub fn export(&self, sink: &mut TensorSink) {
        self.stem.conv.export(sink);
        self.stem.norm.export(sink);
        for down in &self.downs {
            down.conv.export(sink);
            down.norm.export(sink);
        }
        for block in &self.blocks {
            block.export(sink);
        }
        for up in &self.ups {
            up.conv.export(sink);
            up.norm.export(sink);
        }
        self.head.export(sink);
    }
}
