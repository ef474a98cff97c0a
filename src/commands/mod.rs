//! One function per command: reads the parsed arguments, does the job, returns the exit
//! status (0 = found/done, 1 = nothing found). Errors become exit status 2 in `main`.

pub mod delete;
pub mod index;
pub mod keywords;
pub mod search;
pub mod show;
pub mod stats;

/// Exit status for "it worked and something matched".
pub const FOUND: i32 = 0;
/// Exit status for "it worked and nothing matched".
pub const NOT_FOUND: i32 = 1;
