//! Replaying a saved Case ([`crate::case_file`]): the engines built with
//! the configurations the plan names (pinned, nothing drawn), configured
//! for the Case's proposals, and the Case judged as the fuzz target judged
//! it (a single-instruction module by the exact judge).

use crate::case_file::SavedCase;
use crate::engines::{EngineError, EngineSet};
use crate::target::{Checked, check_case};
use std::time::Duration;

/// Why a saved Case could not be replayed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error("configuring the engines: {0}")]
    Configure(String),
}

/// The engine set a saved Case names (or `engines`, when given), each
/// engine at its default configuration with the written settings pinned,
/// configured for the Case's proposals.
pub fn engines_for(saved: &SavedCase, engines: Option<&[String]>) -> Result<EngineSet, ReplayError> {
    let names = engines.unwrap_or(&saved.engines);
    let mut set = EngineSet::defaults(names)?;
    // Default-configured engines draw nothing: no bytes are needed.
    set.configure(&mut arbitrary::Unstructured::new(&[]), saved.case.features)
        .map_err(|e| ReplayError::Configure(e.to_string()))?;
    Ok(set)
}

/// Runs a saved Case on its engines (or `engines`) and judges it.
pub fn replay(saved: &SavedCase, engines: Option<&[String]>) -> Result<Checked, ReplayError> {
    let mut set = engines_for(saved, engines)?;
    Ok(check_case(saved.origin.clone(), saved.case.clone(), &mut set, Duration::ZERO))
}
