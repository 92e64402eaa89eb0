pub mod emulator;
pub mod project;
pub mod serve;
pub mod signals;
