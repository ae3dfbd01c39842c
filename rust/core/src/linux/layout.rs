//! Where things go in the guest's address space.
//!
//! The layout follows what riscv64 Linux gives a process under Sv39, the
//! smallest paging mode every RV64 Linux system supports, so guests see
//! addresses they would see on hardware: user space below 0x40_0000_0000,
//! the stack at the top, mmap growing down from below the stack, PIE
//! executables at two thirds of the space, the heap after the executable.

use crate::mem::PAGE_SIZE;

/// End of the user address space under Sv39 (TASK_SIZE).
pub const TASK_SIZE: u64 = 0x40_0000_0000;

/// One past the highest stack byte. Linux puts the stack at TASK_SIZE (minus
/// a random offset); one page is left unmapped above it.
pub const STACK_TOP: u64 = TASK_SIZE - PAGE_SIZE;

/// The stack is a fixed 8 MiB mapping (the default RLIMIT_STACK); it does not
/// grow, so touching below it faults like an overflow on Linux.
pub const STACK_SIZE: u64 = 8 << 20;

pub const STACK_BOTTOM: u64 = STACK_TOP - STACK_SIZE;

/// Top of the mmap area. Linux keeps a gap of at least 128 MiB between the
/// stack and mmap_base (mm/util.c, MIN_GAP), which here also keeps the pages
/// just below the stack unmapped, so an overflow faults.
pub const MMAP_TOP: u64 = STACK_TOP - (128 << 20);

/// Lowest address mmap hands out or accepts for MAP_FIXED (the default
/// vm.mmap_min_addr), so a null pointer never lands in a mapping.
pub const MMAP_MIN: u64 = 0x10000;

/// Load address of position-independent executables: ELF_ET_DYN_BASE of
/// riscv64, two thirds of the Sv39 space, page aligned.
pub const PIE_BASE: u64 = (TASK_SIZE / 3 * 2) & !(PAGE_SIZE - 1);
