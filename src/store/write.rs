//! Files appear whole or not at all: written beside their destination, then renamed.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::Builder::new()
        .prefix(".gansketch-")
        .suffix(".tmp")
        .tempfile_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    // A temporary file is private (0600); what we write is for the user to share and serve.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let permissions = std::fs::Permissions::from_mode(0o644);
        file.as_file().set_permissions(permissions).map_err(|e| Error::io(path, e))?;
    }
    file.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    file.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}
