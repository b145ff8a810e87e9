/* @brief The one record layout shared by the eBPF programs, vigil-sandbox and the engine's decoder.
 *
 * Every event the kernel side emits is one vigil_trace_record followed by up to four strings
 * (str_len[i] bytes each, no terminators, in order), padded to a multiple of 8 bytes; `size` is the
 * whole record. Plain fixed-width C with explicit padding so BPF (clang -target bpf), the helper
 * (C++) and the engine (C++) agree byte for byte; sizes are pinned below and in a unit test.
 * Bump VIGIL_TRACE_ABI_VERSION on any change (it is part of the protocol version too).
 *
 * Paths: a path argument travels as two strings, `base` then `rel`. `rel` is the string the
 * process passed. When it was relative, `base` is the directory it was relative to (the cwd or the
 * dirfd's directory), found by walking dentries in the kernel and written LEAF FIRST as
 * "name/name/.../" (the decoder reverses it); empty when `rel` was absolute or when the path came
 * from an fd alone (fchmod: then `base` holds the file's own path and `rel` is empty).
 */
#ifndef VIGIL_TRACE_H
#define VIGIL_TRACE_H

#ifdef __bpf__
/* vmlinux.h already defines the kernel's fixed-width types. */
typedef __u8 vigil_u8;
typedef __u16 vigil_u16;
typedef __u32 vigil_u32;
typedef __s32 vigil_s32;
typedef __u64 vigil_u64;
typedef __s64 vigil_s64;
#else
#include <stdint.h>
typedef uint8_t vigil_u8;
typedef uint16_t vigil_u16;
typedef uint32_t vigil_u32;
typedef int32_t vigil_s32;
typedef uint64_t vigil_u64;
typedef int64_t vigil_s64;
#endif

#define VIGIL_TRACE_ABI_VERSION 1u

/* Record kinds: the closed set the decoder accepts. */
enum vigil_trace_kind {
    VIGIL_TRACE_FORK = 1,    /* arg0 = child pid (sandbox pid ns) */
    VIGIL_TRACE_EXEC = 2,    /* str0/1 = path base/rel, str2 = argv (NUL-separated), str3 = env names (NUL-separated) */
    VIGIL_TRACE_EXIT = 3,    /* arg0 = exit status (wait(2) encoding) */
    VIGIL_TRACE_OPEN = 4,    /* arg0 = open flags, arg1 = mode, str0/1 = path */
    VIGIL_TRACE_UNLINK = 5,  /* arg0 = 1 for rmdir / AT_REMOVEDIR, str0/1 = path */
    VIGIL_TRACE_RENAME = 6,  /* arg0 = renameat2 flags, str0/1 = from, str2/3 = to */
    VIGIL_TRACE_CHMOD = 7,   /* arg0 = mode, str0/1 = path */
    VIGIL_TRACE_CHOWN = 8,   /* arg0 = uid, arg1 = gid (as passed, -1 = unchanged), str0/1 = path */
    VIGIL_TRACE_MKDIR = 9,   /* arg0 = mode, str0/1 = path */
    VIGIL_TRACE_SYMLINK = 10, /* str1 = target (verbatim), str2/3 = link path */
    VIGIL_TRACE_LINK = 11,   /* str0/1 = existing path, str2/3 = new path */
    VIGIL_TRACE_CONNECT = 12, /* arg0 = family, arg1 = port (host order), addr = address, arg2 = socket type */
    VIGIL_TRACE_BIND = 13,    /* as connect */
    VIGIL_TRACE_LISTEN = 14,  /* arg0 = backlog, arg1 = family, addr/port of the bound socket */
    VIGIL_TRACE_SEND = 15,    /* as connect; ret = bytes sent */
    VIGIL_TRACE_GETENV = 16,  /* arg0 = VIGIL_ENV_VIA_*, arg1 = 1 when the variable was set, str0 = name */
    VIGIL_TRACE_DENIED = 17,  /* nr = the syscall, ret = -errno the sandbox's seccomp filter answered */
};
#define VIGIL_TRACE_KIND_MAX 17u

#define VIGIL_ENV_VIA_GETENV 1u
#define VIGIL_ENV_VIA_SECURE_GETENV 2u

/* flags */
#define VIGIL_TRACE_F_BASE0_TRUNC 1u /* the dentry walk for str0 hit its depth bound */
#define VIGIL_TRACE_F_BASE2_TRUNC 2u /* the same for str2 */
#define VIGIL_TRACE_F_STR_TRUNC 4u   /* a string (argv, env names, path) was cut at its bound */
#define VIGIL_TRACE_F_READ_FAIL 8u   /* a user string could not be read (unmapped memory) */
#define VIGIL_TRACE_F_KNOWN 15u

/* Bounds: one user path, the argv and env-name areas of an exec. */
#define VIGIL_TRACE_MAX_PATH 4096u
#define VIGIL_TRACE_MAX_ARGS 4096u
#define VIGIL_TRACE_MAX_STRINGS 4u
/* Largest record: header + four strings of at most VIGIL_TRACE_MAX_PATH each. */
#define VIGIL_TRACE_MAX_RECORD (104u + 4u * 4096u)
/* Path components the dentry walker follows upwards before giving up (flags say so). */
#define VIGIL_TRACE_MAX_DEPTH 48

struct vigil_trace_record {
    vigil_u16 kind;     /* enum vigil_trace_kind */
    vigil_u16 flags;    /* VIGIL_TRACE_F_* */
    vigil_u32 size;     /* whole record in bytes: header + strings + padding, multiple of 8 */
    vigil_u64 ts_ns;    /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
    vigil_s32 pid;      /* process (tgid) in the sandbox's pid namespace */
    vigil_s32 tid;      /* thread in the sandbox's pid namespace */
    vigil_s32 ppid;     /* parent process; 0 when the parent is outside the sandbox */
    vigil_u32 nr;       /* syscall number (x86_64) for syscall records, else 0 */
    vigil_s64 ret;      /* syscall return value (-errno on failure) */
    vigil_u64 arg0;
    vigil_u64 arg1;
    vigil_u64 arg2;
    vigil_u8 addr[16];  /* network address, network byte order (IPv4 in the first 4 bytes) */
    vigil_u16 str_len[VIGIL_TRACE_MAX_STRINGS];
    char comm[16];      /* task comm, NUL-padded */
};

/* One counter per CPU in the drop map: records the ring buffer had no room for. */
#define VIGIL_DROP_SLOTS 1

#ifdef __bpf__
_Static_assert(sizeof(struct vigil_trace_record) == 104, "record layout");
#elif defined(__cplusplus)
static_assert(sizeof(struct vigil_trace_record) == 104, "record layout");
#else
_Static_assert(sizeof(struct vigil_trace_record) == 104, "record layout");
#endif

#endif /* VIGIL_TRACE_H */
