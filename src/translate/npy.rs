//! `.npy` ⇄ tensors: float32 NCHW (or CHW, taken as a batch of one), C order.

use burn::tensor::TensorData;
use npyz::{NpyFile, Order, WriteOptions, WriterBuilder};

use crate::error::{Error, Result};

pub fn decode_npy(bytes: &[u8]) -> Result<TensorData> {
    let file = NpyFile::new(bytes).map_err(|e| Error::Npy(format!("not a readable .npy file: {e}")))?;
    let dtype = file.dtype().descr();
    if dtype != "'<f4'" {
        return Err(Error::Npy(format!("expected float32 ('<f4') values, found dtype {dtype}")));
    }
    if file.order() != Order::C {
        return Err(Error::Npy("expected a C-ordered array, found Fortran order".into()));
    }
    let mut shape: Vec<usize> = file.shape().iter().map(|&d| d as usize).collect();
    if shape.len() == 3 {
        shape.insert(0, 1);
    }
    if shape.len() != 4 {
        return Err(Error::Npy(format!("expected an NCHW (or CHW) array, found shape {:?}", file.shape())));
    }
    // Compare the claimed size with the bytes present before reading (and allocating) it.
    let claimed = file.shape().iter().try_fold(4u64, |n, &d| n.checked_mul(d));
    if claimed.is_none_or(|claimed| claimed > bytes.len() as u64) {
        return Err(Error::Npy(format!(
            "the header claims shape {:?}, more data than the {}-byte file holds (truncated?)",
            file.shape(),
            bytes.len()
        )));
    }
    let values: Vec<f32> = file.into_vec().map_err(|e| Error::Npy(format!("the array could not be read: {e}")))?;
    Ok(TensorData::new(values, shape))
}

pub fn encode_npy(data: &TensorData) -> Result<Vec<u8>> {
    let shape: Vec<u64> = data.shape().iter().map(|&d| d as u64).collect();
    let values = data.try_to_vec::<f32>().map_err(|e| Error::Npy(format!("{e:?}")))?;
    let mut bytes = Vec::new();
    let io = |e: std::io::Error| Error::Npy(format!("the array could not be written: {e}"));
    let mut writer = WriteOptions::new()
        .default_dtype()
        .shape(&shape)
        .writer(&mut bytes)
        .begin_nd()
        .map_err(io)?;
    writer.extend(values).map_err(io)?;
    writer.finish().map_err(io)?;
    Ok(bytes)
}
