//! pix2pix's `UnetGenerator`: `num_downs` nested `UnetSkipConnectionBlock`s.
//!
//! The reference builds the blocks recursively; here they are a list, outermost first,
//! and the recursion is unrolled into a way down (saving skips) and a way up.

use burn::module::Module;
use burn::nn::Dropout;
use burn::tensor::activation::{leaky_relu, relu};
use burn::tensor::{Device, Tensor};

use super::config::{GeneratorConfig, NormStats};
use super::layers::{Conv, ConvShape, ConvUp, Norm, dropout, tanh};
use super::weights::{TensorSink, WeightError, WeightSource};

/// One `UnetSkipConnectionBlock` without its submodule.
#[derive(Module, Debug)]
pub struct UnetBlock {
    down: Conv,
    /// Absent in the outermost and innermost blocks.
    down_norm: Option<Norm>,
    up: ConvUp,
    /// Absent in the outermost block, which ends in tanh instead.
    up_norm: Option<Norm>,
    dropout: Option<Dropout>,
}

#[derive(Module, Debug)]
pub struct UnetGenerator {
    /// Outermost first.
    blocks: Vec<UnetBlock>,
}

/// State-dict prefix of block `level`: the outermost block holds its submodule at index 1
/// of its `nn.Sequential`, every other block at index 3.
fn block_prefix(level: usize) -> String {
    let mut prefix = String::from("model.model");
    for depth in 1..=level {
        prefix.push_str(if depth == 1 { ".1.model" } else { ".3.model" });
    }
    prefix
}

/// (outer, inner) channels of block `level`, as `UnetGenerator.__init__` chains them.
fn block_channels(config: &GeneratorConfig, level: usize) -> (usize, usize) {
    let ngf = config.ngf;
    match level {
        0 => (config.output_channels, ngf),
        1 => (ngf, ngf * 2),
        2 => (ngf * 2, ngf * 4),
        3 => (ngf * 4, ngf * 8),
        _ => (ngf * 8, ngf * 8),
    }
}

/// The down- and up-convolution of each of `depth` blocks, outermost first.
pub fn block_shapes(config: &GeneratorConfig, depth: usize) -> Vec<(ConvShape, ConvShape)> {
    let bias = config.norm.conv_has_bias();
    (0..depth)
        .map(|level| {
            let (outer, inner) = block_channels(config, level);
            let outermost = level == 0;
            let innermost = level == depth - 1;
            let down_input = if outermost { config.input_channels } else { outer };
            let down = ConvShape { input: down_input, output: inner, kernel: 4, stride: 2, padding: 1, bias };
            let up_input = if innermost { inner } else { inner * 2 };
            // The outermost up-convolution is followed by tanh, not a norm, so it has a bias.
            let up = ConvShape { input: up_input, output: outer, kernel: 4, stride: 2, padding: 1, bias: bias || outermost };
            (down, up)
        })
        .collect()
}

impl UnetGenerator {
    pub fn build(
        config: &GeneratorConfig,
        depth: usize,
        source: &mut impl WeightSource,
        device: &Device,
    ) -> Result<Self, WeightError> {
        let mut blocks = Vec::with_capacity(depth);
        for (level, (down_shape, up_shape)) in block_shapes(config, depth).into_iter().enumerate() {
            let prefix = block_prefix(level);
            let (outer, inner) = (up_shape.output, down_shape.output);
            let outermost = level == 0;
            let innermost = level == depth - 1;
            // Sequential indices: outermost [down, sub, relu, up, tanh];
            // innermost [lrelu, down, relu, up, norm]; others [lrelu, down, norm, sub, relu, up, norm, dropout?].
            let (down_index, up_index) = match (outermost, innermost) {
                (true, _) => (0, 3),
                (false, true) => (1, 3),
                (false, false) => (1, 5),
            };
            let down = Conv::build(source, format!("{prefix}.{down_index}"), down_shape, device)?;
            let down_norm = match outermost || innermost {
                true => None,
                false => Some(Norm::build(source, format!("{prefix}.2"), config.norm, inner, device)?),
            };
            let up = ConvUp::build(source, format!("{prefix}.{up_index}"), up_shape, 0, device)?;
            let up_norm = match outermost {
                true => None,
                false => Some(Norm::build(source, format!("{prefix}.{}", up_index + 1), config.norm, outer, device)?),
            };
            // Only the `num_downs - 5` blocks of 8·ngf between the innermost and the 4·ngf one.
            let dropout = (config.dropout && level >= 4 && !innermost).then(dropout);
            blocks.push(UnetBlock { down, down_norm, up, up_norm, dropout });
        }
        Ok(UnetGenerator { blocks })
    }

    pub fn forward(&self, x: Tensor<4>, stats: NormStats) -> Tensor<4> {
        let (outermost, inner) = self.blocks.split_first().expect("a U-Net has blocks");
        let mut h = outermost.down.forward(x);
        // The reference's `LeakyReLU(0.2, inplace=True)` rewrites the block input that
        // `torch.cat([x, self.model(x)])` then reads, so the skip carries leaky_relu(x).
        let mut skips = Vec::with_capacity(inner.len());
        for block in inner {
            let activated = leaky_relu(h, 0.2);
            skips.push(activated.clone());
            h = block.down.forward(activated);
            if let Some(norm) = &block.down_norm {
                h = norm.forward(h, stats);
            }
        }
        for block in inner.iter().rev() {
            h = block.up.forward(relu(h));
            if let Some(norm) = &block.up_norm {
                h = norm.forward(h, stats);
            }
            if let Some(dropout) = &block.dropout {
                h = dropout.forward(h);
            }
            let skip = skips.pop().expect("one skip per inner block");
            h = Tensor::cat(vec![skip, h], 1);
        }
        tanh(outermost.up.forward(relu(h)))
    }

    pub fn export(&self, sink: &mut TensorSink) {
        for block in &self.blocks {
            block.down.export(sink);
            if let Some(norm) = &block.down_norm {
                norm.export(sink);
            }
            block.up.export(sink);
            if let Some(norm) = &block.up_norm {
                norm.export(sink);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::block_prefix;

    #[test]
    fn block_prefixes_follow_the_reference_nesting() {
        assert_eq!(block_prefix(0), "model.model");
        assert_eq!(block_prefix(1), "model.model.1.model");
        assert_eq!(block_prefix(3), "model.model.1.model.3.model.3.model");
    }
}
