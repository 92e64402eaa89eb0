pub mod azure;
pub mod demo;
pub mod emulator;
pub mod project;
pub mod serve;
pub mod signals;
pub mod up;
pub mod vpc;
