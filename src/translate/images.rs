//! PNG ⇄ NCHW tensors in [-1, 1], as the reference's `ToTensor` + `Normalize(0.5, 0.5)`
//! and `tensor2im` do it.

use burn::tensor::TensorData;
use image::{DynamicImage, ImageFormat, RgbImage};

use crate::error::{Error, Result};
use crate::pixels::{rgba_to_tensor, tensor_to_rgba};

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Decodes a PNG into a [1, channels, height, width] tensor (alpha composited on white;
/// one channel is luminance as PIL's `convert('L')`).
pub fn decode_png(bytes: &[u8], channels: usize) -> Result<TensorData> {
    if !bytes.starts_with(PNG_SIGNATURE) {
        let start = String::from_utf8_lossy(&bytes[..bytes.len().min(8)]).into_owned();
        return Err(Error::Image(format!(
            "expected a PNG image (starting with the bytes \\x89PNG), found {}",
            if bytes.is_empty() { "an empty file".to_string() } else { format!("{start:?}…") }
        )));
    }
    let image = image::load_from_memory_with_format(bytes, ImageFormat::Png)
        .map_err(|e| Error::Image(format!("the PNG could not be decoded: {e}")))?;
    Ok(rgba_to_tensor(image.to_rgba8().as_raw(), image.width() as usize, image.height() as usize, channels))
}

/// Encodes the first image of an NCHW tensor as an RGB PNG.
pub fn encode_png(data: &TensorData) -> Result<Vec<u8>> {
    let [_, channels, height, width]: [usize; 4] = data
        .shape()
        .to_vec()
        .try_into()
        .map_err(|_| Error::Image("expected a 4-dimensional NCHW output".into()))?;
    let values = data.try_to_vec::<f32>().map_err(|e| Error::Image(format!("{e:?}")))?;
    let rgba = tensor_to_rgba(&values[..channels * height * width], channels, width, height);
    let rgb: Vec<u8> = rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    let image = RgbImage::from_raw(width as u32, height as u32, rgb).expect("sized from the tensor");
    let mut png = Vec::new();
    DynamicImage::ImageRgb8(image)
        .write_to(&mut std::io::Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|e| Error::Image(format!("the PNG could not be encoded: {e}")))?;
    Ok(png)
}
