//go:build linux && arm64

#include "textflag.h"

// func semihostExit(block *[2]uint64)
//
// Arm semihosting from AArch64: HLT #0xf000 with the operation in x0 and
// a pointer to its parameter block in x1. 0x20 is SYS_EXIT_EXTENDED.
TEXT ·semihostExit(SB), NOSPLIT, $0-8
	MOVD	block+0(FP), R1
	MOVD	$0x20, R0
	WORD	$0xd45e0000	// HLT #0xf000
	RET
