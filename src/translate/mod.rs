//! `gansketch translate`: PNG or `.npy` in, PNG or `.npy` out, file or directory.

mod images;
mod npy;

pub use images::{decode_png, encode_png};
pub use npy::{decode_npy, encode_npy};

use burn::tensor::{Device, Tensor, TensorData};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::store::{LoadedModel, write_atomically};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Format {
    Png,
    Npy,
}

fn format_of(path: &Path, role: &str) -> Result<Format> {
    let extension = path.extension().map(|e| e.to_string_lossy().to_lowercase());
    match extension.as_deref() {
        Some("png") => Ok(Format::Png),
        Some("npy") => Ok(Format::Npy),
        _ => Err(Error::Usage(format!(
            "{role} {} must end in .png or .npy (or be a directory of PNGs)",
            path.display()
        ))),
    }
}

/// Runs `model` on a [batch, channels, height, width] tensor in [-1, 1].
pub fn translate_data(model: &LoadedModel, input: TensorData, device: &Device) -> Result<TensorData> {
    let input = Tensor::<4>::from_data(input, device);
    let output = model.generator.translate(input, model.norm_stats())?;
    Ok(output.into_data())
}

/// Translates the file `input` into the file `output`, or every PNG of the directory
/// `input` into the directory `output`. Returns the number of images written.
pub fn translate_path(model: &LoadedModel, input: &Path, output: &Path, device: &Device) -> Result<usize> {
    if input.is_dir() {
        return translate_directory(model, input, output, device);
    }
    let (input_format, output_format) = (format_of(input, "input")?, format_of(output, "output")?);
    let bytes = std::fs::read(input).map_err(|e| Error::io(input, e))?;
    let channels = model.info.generator.input_channels;
    let data = match input_format {
        Format::Png => decode_png(&bytes, channels),
        Format::Npy => decode_npy(&bytes),
    }
    .map_err(|e| in_file(input, e))?;
    let batch = data.shape()[0];
    if output_format == Format::Png && batch != 1 {
        return Err(Error::Usage(format!(
            "{} holds {batch} images, a PNG holds one: write the output as .npy",
            input.display()
        )));
    }
    let result = translate_data(model, data, device).map_err(|e| in_file(input, e))?;
    let encoded = match output_format {
        Format::Png => encode_png(&result)?,
        Format::Npy => encode_npy(&result)?,
    };
    write_atomically(output, &encoded)?;
    Ok(batch)
}

fn translate_directory(model: &LoadedModel, input: &Path, output: &Path, device: &Device) -> Result<usize> {
    let mut pngs: Vec<PathBuf> = std::fs::read_dir(input)
        .map_err(|e| Error::io(input, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file() && format_of(path, "input").ok() == Some(Format::Png))
        .collect();
    pngs.sort();
    if pngs.is_empty() {
        return Err(Error::Usage(format!("{} holds no .png files to translate", input.display())));
    }
    std::fs::create_dir_all(output).map_err(|e| Error::io(output, e))?;
    for png in &pngs {
        let name = png.file_name().expect("a file has a name");
        translate_path(model, png, &output.join(name), device)?;
    }
    Ok(pngs.len())
}

/// Prefixes an error about a file's content with the file's name.
fn in_file(path: &Path, error: Error) -> Error {
    match error {
        Error::Io { .. } => error,
        other => Error::Usage(format!("{}: {other}", path.display())),
    }
}
