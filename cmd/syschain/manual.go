package main

// manual is the output of `syschain -h`: the whole manual, kept in step
// with docs/syschain-cmd.md.
const manual = `syschain runs a syscall chain: a list of Linux syscalls run as one unit,
where later steps use earlier results and conditions decide whether the
chain goes on.

Usage:

	syschain run [flags] 'CHAIN'     run a chain given as text
	syschain run [flags] -f FILE     run a chain read from FILE (- for stdin)
	syschain consts [PREFIX]         list the constant names a chain may use
	syschain syscalls [PREFIX]       list this arch's syscalls and their C signatures

Example:

	syschain run 'openat(AT_FDCWD, "/etc/hostname", O_RDONLY, 0)
	              read($0, buf[4096], 4096)
	              write(1, buf, $1)
	              close($0)'

runs four steps: it opens the file, reads it into a 4096-byte buffer named
buf, writes what step 1 read to standard output, and closes the fd step 0
returned. The trace, strace style, goes to standard error:

	openat(AT_FDCWD, "/etc/hostname", O_RDONLY, 0) = 3
	read($0, 0xc000180000, 4096) = 9 # when == 0 goto 3: false
	...
	# backend: interp

(a step's conditions and what they decided follow "#"; the last line
names the backend that ran the chain).

If a step fails the chain stops there (as Go code would), the trace shows
what ran, and syschain prints the step's error and exits with status 1.

Flags of run:

	-f FILE        read the chain from FILE; - is standard input
	-backend NAME  run on backend NAME (interp, dryrun, uring, or kernel
	               where the sys_chain kernel is there); default: the best
	               available, which is never uring (slower here, see
	               runtime.Uring)
	-n             dry run: execute nothing, show what the chain would do,
	               with each step returning what -results says
	-results LIST  with -n: comma-separated results of steps 0, 1, ...,
	               e.g. 3,9,9,0 or 3,-ENOENT; missing ones are 0
	-words         print the chain's packed words (the wire format, see
	               docs/wire-format.md) in hex, one step per line, and exit

The syntax:

	CHAIN   steps separated by ";" or newlines; "#" starts a comment.
	        A call may span lines inside its parentheses.
	STEP    NAME(ARG, ...) [allow-error] [noblock] [if COND [or COND]... [ACTION]]

	NAME    a syscall of this arch's table, e.g. openat, read, pread64;
	        it takes exactly the arguments of its C signature (see
	        syschain syscalls NAME), 64-bit ones as one argument.
	        syscall(NR, ARG...) calls a syscall by number, for one the
	        table lacks (up to 6 arguments, passed as written).
	ARG     42  0x2a  0644 (octal)  0o644  0b101  -1    integers, 64 bits
	        O_WRONLY|O_CREAT|O_TRUNC                     constants, ORed
	        -ENOENT                                      a negated constant
	        $0                                           step 0's result
	        "text\n"                                     a string (Go escapes);
	                                                     NUL-terminated where the
	                                                     call takes a C string
	        buf[4096]                                    declares a 4096-byte buffer
	                                                     named buf (first use)
	        buf                                          refers to it later
	        NULL                                         0
	        Constants are x/sys/unix names with this arch's values: O_*,
	        AT_*, SEEK_*, PROT_*, MAP_*, MS_*, MADV_*, S_I*, F_*, FD_*,
	        CLOCK_*, E* (errno values), SIG*, SOCK_*, AF_*, MSG_*, EFD_*,
	        EPOLL*, POLL*, GRND_*, RENAME_*, STATX_*, ... (syschain consts).
	        A length given as a number is checked against its buffer
	        before anything runs; given as $N it is bounded at run time.

	allow-error   an error return of this step does not stop the chain
	noblock       the step never blocks: the interpreter may use a raw
	              syscall (faster; only for calls that cannot block)

	COND    OP VALUE, comparing the step's result (a negative errno on
	        failure) with VALUE: an integer, a constant or $N.
	        OP: == != < <= > >= (signed), <u <=u >u >=u (unsigned).
	        Conditions joined by "or" are true when any one is.
	ACTION  what a true condition does:
	        stop        end the chain here (the default)
	        continue    go on with the next step
	        goto N      jump forward to step N (counting from 0)
	        goto end    end the chain normally
	        Jumps go forward only, so every chain ends.

	Steps are numbered from 0 in the order written. A step that failed
	stops the chain before its conditions are looked at, unless it has
	allow-error: write "allow-error if == -ENOENT goto 3" to branch on an
	error.

Examples:

	# read at most 64 bytes; stop quietly at end of file
	syschain run 'openat(AT_FDCWD, "/etc/hostname", O_RDONLY, 0)
	              read($0, buf[64], 64) if == 0 goto 3
	              write(1, buf, $1)
	              close($0)'

	# create a file only if it does not exist yet
	syschain run 'openat(AT_FDCWD, "/tmp/x", O_WRONLY|O_CREAT|O_EXCL, 0644) allow-error if == -EEXIST goto end
	              write($0, "hello\n", 6); close($0)'

	# what would happen if the read returned 0?
	syschain run -n -results 3,0 'openat(AT_FDCWD, "/x", O_RDONLY, 0); read($0, b[8], 8) if == 0 stop; close($0)'

Syntax errors name the line and column and show the place:

	Error: 1:1: unknown syscall "opne" on linux/amd64 (did you mean open?)
		opne("/etc/hostname", O_RDONLY, 0)
		^
`

const runUsage = `usage: syschain run [flags] 'CHAIN'
       syschain run [flags] -f FILE
(syschain -h for the chain syntax)

`
