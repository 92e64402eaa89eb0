pub mod emulator;
pub mod signals;
