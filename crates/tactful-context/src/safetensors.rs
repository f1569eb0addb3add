//! Reads the tensors of a `.safetensors` file (an 8-byte header length, a JSON
//! header naming each tensor's dtype, shape and byte range, then the raw
//! little-endian data). Only `F32` tensors are read: that is what the model ships.

use std::collections::HashMap;

use crate::ContextError;

/// One tensor: its shape and its values in row-major order.
pub struct Tensor {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

/// Every F32 tensor of the file, by name.
pub fn read(bytes: &[u8]) -> Result<HashMap<String, Tensor>, ContextError> {
    let bad = |why: String| ContextError::Weights(why);
    let len = bytes.get(..8).ok_or_else(|| bad("shorter than its 8-byte header length".into()))?;
    let len = usize::try_from(u64::from_le_bytes(len.try_into().expect("8 bytes")))
        .map_err(|_| bad("header length does not fit in memory".into()))?;
    let header =
        bytes.get(8..8 + len).ok_or_else(|| bad(format!("header of {len} bytes runs past the end")))?;
    let header: serde_json::Value =
        serde_json::from_slice(header).map_err(|e| bad(format!("header is not JSON: {e}")))?;
    let data = &bytes[8 + len..];
    let mut out = HashMap::new();
    for (name, t) in header.as_object().ok_or_else(|| bad("header is not a JSON object".into()))? {
        if name == "__metadata__" || t["dtype"] != "F32" {
            continue;
        }
        let shape: Vec<usize> = t["shape"]
            .as_array()
            .ok_or_else(|| bad(format!("{name}: no shape")))?
            .iter()
            .map(|d| d.as_u64().map(|d| d as usize))
            .collect::<Option<_>>()
            .ok_or_else(|| bad(format!("{name}: shape is not a list of sizes")))?;
        let (start, end) = match t["data_offsets"].as_array().map(Vec::as_slice) {
            Some([s, e]) => (s.as_u64().unwrap_or(u64::MAX) as usize, e.as_u64().unwrap_or(0) as usize),
            _ => return Err(bad(format!("{name}: no data_offsets"))),
        };
        let raw =
            data.get(start..end).filter(|r| r.len() == shape.iter().product::<usize>() * 4).ok_or_else(
                || bad(format!("{name}: data_offsets {start}..{end} do not match its shape {shape:?}")),
            )?;
        let data = raw.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes"))).collect();
        out.insert(name.clone(), Tensor { shape, data });
    }
    Ok(out)
}
