/* @brief The engine <-> vigil-sandbox wire protocol: framed, versioned, fixed-width, bounds-checked.
 *
 * One message per SOCK_SEQPACKET packet: a vigil_msg_header followed by `length` body bytes.
 * Little-endian host layout (both ends run on the same machine). Every receiver calls
 * vigil_msg_check() on the whole packet before it reads a single field: it checks magic, version,
 * the closed set of types, the maximum size and every length and count inside the body, so the
 * decoders that follow can index without further checks.
 *
 * C-compatible on purpose (the later eBPF tracer and any C tool share it): no C++ in here, only
 * fixed-width types, explicit padding, static size assertions. Bump VIGIL_SANDBOX_PROTOCOL_VERSION
 * on any layout change.
 */
#ifndef VIGIL_SANDBOX_PROTOCOL_H
#define VIGIL_SANDBOX_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bpf/vigil_trace.h"

#ifdef __cplusplus
extern "C" {
#endif

#define VIGIL_SANDBOX_MAGIC 0x4c494756u /* "VGIL" in memory order */
#define VIGIL_SANDBOX_PROTOCOL_VERSION 7u  /* 2: BAIT (7) and NET_EVENT (8); 3: TRACE (9), STATS (10) and RUNTIME (11);
                                              4: the run request's geo_country, HTTP emulation texts;
                                              5: NET_EVENT addresses of 16 bytes with a family (IPv6);
                                              6: the result's cpu_ns;
                                              7: change flags SERVED and EXECUTABLE, HTTP's served text */
/* Largest packet either side sends or accepts, header included. */
#define VIGIL_SANDBOX_MAX_MESSAGE 65536u

/* The closed set of message types. Anything else is rejected. */
enum vigil_msg_type {
    VIGIL_MSG_RUN_REQUEST = 1, /* engine -> helper: exactly one, first */
    VIGIL_MSG_READY = 2,       /* helper -> engine: the sandbox exists, the command is starting */
    VIGIL_MSG_OUTPUT = 3,      /* helper -> engine: a chunk of the command's stdout or stderr */
    VIGIL_MSG_CHANGES = 4,     /* helper -> engine: a batch of overlay upper-dir changes */
    VIGIL_MSG_RESULT = 5,      /* helper -> engine: last message of a run that happened */
    VIGIL_MSG_ERROR = 6,       /* helper -> engine: last message of a run that could not happen */
    VIGIL_MSG_BAIT = 7,        /* helper -> engine: the run's honeytokens, after READY */
};

struct vigil_msg_header {
    uint32_t magic;   /* VIGIL_SANDBOX_MAGIC */
    uint16_t version; /* VIGIL_SANDBOX_PROTOCOL_VERSION */
    uint16_t type;    /* enum vigil_msg_type */
    uint32_t length;  /* body bytes after this header */
    uint32_t reserved; /* 0 */
};

/* Named test modes that may weaken what a run observes, for a test or benchmark only. */
#define VIGIL_TEST_MODE_NONE 0u
/* Benchmark only (bench/tracing_overhead): run without the eBPF tracer, to measure its cost. The
 * run still sends STATS, with VIGIL_TRACE_STATE_UNTRACED, so nothing mistakes it for a clean run. */
#define VIGIL_TEST_MODE_UNTRACED 1u
#define VIGIL_TEST_MODES_KNOWN 1u

/* Request bounds the helper enforces (and the engine respects before sending). */
#define VIGIL_REQ_MAX_ARGC 256u
#define VIGIL_REQ_MAX_ENVC 256u
#define VIGIL_REQ_MAX_PATH 4095u
#define VIGIL_REQ_MAX_HOSTNAME 63u
#define VIGIL_REQ_MAX_PHASE 32u
#define VIGIL_REQ_MIN_WALL_MS 1ull
#define VIGIL_REQ_MAX_WALL_MS 3600000ull /* one hour */
#define VIGIL_REQ_MIN_MEMORY (16ull << 20)
#define VIGIL_REQ_MAX_MEMORY (64ull << 30)
#define VIGIL_REQ_MIN_TMPFS (1ull << 20)
#define VIGIL_REQ_MAX_TMPFS (64ull << 30)
#define VIGIL_REQ_MAX_OUTPUT (1ull << 30)
#define VIGIL_REQ_MAX_PIDS 65536u
#define VIGIL_REQ_MAX_CPU_PERCENT 25600u /* 256 CPUs */

/* Body of VIGIL_MSG_RUN_REQUEST, followed by, in this order and without terminators:
 * cwd[cwd_len] package_dir[package_dir_len] cache_root[cache_root_len] hostname[hostname_len]
 * phase[phase_len], then argv_bytes holding argc NUL-terminated strings, then env_bytes holding
 * envc NUL-terminated "NAME=value" strings. The lengths must add up to the body length exactly. */
struct vigil_run_request {
    uint64_t wall_ms;      /* wall-clock budget; the whole sandbox is killed at the deadline */
    uint64_t memory_bytes; /* cgroup memory limit (tmpfs pages count against it too) */
    uint64_t tmpfs_bytes;  /* size cap of each tmpfs: /tmp, /home/dev, the overlay upper */
    uint64_t output_bytes; /* stdout+stderr bytes forwarded; more kills the run */
    uint32_t pids_max;     /* cgroup pids limit */
    uint32_t cpu_percent;  /* CPU quota, 100 = one CPU */
    uint32_t test_mode;    /* VIGIL_TEST_MODE_* bits; unknown bits are rejected */
    uint32_t argc;
    uint32_t envc;         /* extra environment entries on top of the helper's fixed set */
    uint32_t argv_bytes;
    uint32_t env_bytes;
    uint32_t cwd_len;         /* absolute path inside the sandbox */
    uint32_t package_dir_len; /* host path, 0 = no package (empty project dir) */
    uint32_t cache_root_len;  /* host path the package dir must be inside of */
    uint32_t hostname_len;
    uint32_t phase_len;       /* label only ("install", "import", ...) */
    /* Stimulus: the country the honeypot's geo-IP emulation reports for the run's address, as two
     * upper-case ISO 3166-1 letters, NUL-padded; all zero = the helper's default. Malware gated on
     * a country (node-ipc) only shows its payload when asked from there. */
    char geo_country[4];
    uint32_t reserved2; /* 0 */
};

struct vigil_ready {
    int32_t init_pid;        /* host pid of the sandbox's pid-1 (for tests and the tracer) */
    uint32_t reserved;
    uint64_t cgroup_v2_id;   /* id of the run's cgroup2 directory (bpf_get_current_cgroup_id) */
    char run_name[64];       /* NUL-terminated; the name of the run's cgroup directories */
};

#define VIGIL_STREAM_STDOUT 1u
#define VIGIL_STREAM_STDERR 2u
/* Body of VIGIL_MSG_OUTPUT, followed by the data bytes (at least one). */
struct vigil_output {
    uint32_t stream; /* VIGIL_STREAM_* */
    uint32_t reserved;
};

/* Change flags of one path in the overlay upper dir. */
#define VIGIL_CHANGE_CREATED 1u  /* not in the package before */
#define VIGIL_CHANGE_MODIFIED 2u /* content, size or mtime differs from the package's */
#define VIGIL_CHANGE_DELETED 4u  /* whiteout: removed */
#define VIGIL_CHANGE_MODE 8u     /* permission bits differ (chmod) */
#define VIGIL_CHANGE_OPAQUE 16u  /* directory replaced: its old contents are gone */
#define VIGIL_CHANGE_SERVED 32u  /* regular file holding exactly the bytes of a body the honeypot
                                    served as a download or page (a saved download) */
#define VIGIL_CHANGE_EXECUTABLE 64u /* regular file with an execute bit, or starting with an ELF or
                                       "#!" magic */
#define VIGIL_CHANGE_KNOWN 127u
/* Body of VIGIL_MSG_CHANGES: count entries, each a vigil_change followed by path_len path bytes
 * (absolute path inside the sandbox, no terminator), padded to a multiple of 8 bytes. */
struct vigil_changes {
    uint32_t count;
    uint32_t reserved;
};
struct vigil_change {
    uint32_t flags; /* VIGIL_CHANGE_* */
    uint32_t path_len;
};

#define VIGIL_LIMIT_WALL 1u
#define VIGIL_LIMIT_MEMORY 2u
#define VIGIL_LIMIT_PIDS 4u
#define VIGIL_LIMIT_OUTPUT 8u
#define VIGIL_LIMIT_KNOWN 15u
struct vigil_result {
    int32_t exit_code;        /* -1 when the command was killed by a signal */
    int32_t signal;           /* 0 when it exited */
    uint32_t limits_hit;      /* VIGIL_LIMIT_* */
    uint32_t changes_count;   /* entries sent in VIGIL_MSG_CHANGES batches before this */
    uint32_t changes_truncated; /* 1 when more changes existed than were sent */
    uint32_t reserved;
    uint64_t setup_ns;        /* helper start -> execve of the command */
    uint64_t run_ns;          /* execve -> the command's exit (or kill) */
    uint64_t stdout_bytes;    /* produced, including bytes not forwarded */
    uint64_t stderr_bytes;
    uint64_t memory_peak_bytes; /* 0 when the host does not report it */
    uint64_t cpu_ns;          /* user+system CPU of every process of the run; 0 when not reported */
};

#define VIGIL_ERR_REQUEST 1u   /* the request was malformed or not allowed */
#define VIGIL_ERR_PRIVILEGE 2u /* the helper lacks privileges */
#define VIGIL_ERR_SETUP 3u     /* a kernel interface failed while building the sandbox */
#define VIGIL_ERR_INTERNAL 4u
/* Body of VIGIL_MSG_ERROR, followed by primary[primary_len] secondary[secondary_len]. */
struct vigil_error {
    uint32_t code; /* VIGIL_ERR_* */
    uint32_t primary_len;
    uint32_t secondary_len;
    uint32_t reserved;
};

/* Capabilities the helper needs when it does not run as root (bit = capability number, as in
 * <linux/capability.h>): CAP_CHOWN, CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_KILL, CAP_SETGID, CAP_SETUID,
 * CAP_SETPCAP, CAP_NET_BIND_SERVICE and CAP_NET_RAW (the honeypot's listeners below 1024 and its
 * raw recorders), CAP_NET_ADMIN, CAP_SYS_ADMIN. The engine checks the helper's file
 * capabilities against this set; the helper checks its effective set. */
#define VIGIL_SANDBOX_REQUIRED_CAPS                                                                  \
    ((1ull << 0) | (1ull << 1) | (1ull << 3) | (1ull << 5) | (1ull << 6) | (1ull << 7) | (1ull << 8) | \
     (1ull << 10) | (1ull << 12) | (1ull << 13) | (1ull << 21))
#define VIGIL_SANDBOX_REQUIRED_CAPS_TEXT                                                             \
    "cap_chown,cap_dac_override,cap_fowner,cap_kill,cap_setgid,cap_setuid,cap_setpcap,"                \
    "cap_net_bind_service,cap_net_admin,cap_net_raw,cap_sys_admin"

#ifdef __cplusplus
#define VIGIL_STATIC_ASSERT static_assert
#else
#define VIGIL_STATIC_ASSERT _Static_assert
#endif
VIGIL_STATIC_ASSERT(sizeof(struct vigil_msg_header) == 16, "header layout");
VIGIL_STATIC_ASSERT(sizeof(struct vigil_run_request) == 88, "run request layout");
VIGIL_STATIC_ASSERT(sizeof(struct vigil_ready) == 80, "ready layout");
VIGIL_STATIC_ASSERT(sizeof(struct vigil_output) == 8, "output layout");
VIGIL_STATIC_ASSERT(sizeof(struct vigil_changes) == 8, "changes layout");
VIGIL_STATIC_ASSERT(sizeof(struct vigil_change) == 8, "change layout");
VIGIL_STATIC_ASSERT(sizeof(struct vigil_result) == 72, "result layout");
VIGIL_STATIC_ASSERT(sizeof(struct vigil_error) == 16, "error layout");

/* Bytes of one change entry on the wire, padding included. */
static inline uint64_t vigil_change_entry_size(uint32_t path_len) {
    return ((uint64_t)sizeof(struct vigil_change) + path_len + 7u) & ~(uint64_t)7u;
}

/* --- Receiver checks. Each returns NULL when the bytes are acceptable, else a static reason. --- */

/* Counts NUL-terminated strings in [p, p+n); returns -1 unless the area ends with a NUL. */
static inline long vigil_count_strings(const char* p, uint64_t n) {
    long count = 0;
    uint64_t i;
    if (n == 0)
        return 0;
    if (p[n - 1] != '\0')
        return -1;
    for (i = 0; i < n; ++i)
        if (p[i] == '\0')
            ++count;
    return count;
}

static inline int vigil_has_nul(const char* p, uint64_t n) {
    return n != 0 && memchr(p, '\0', (size_t)n) != NULL;
}

/* All zero, or two upper-case ASCII letters followed by two NULs. */
static inline int vigil_geo_country_ok(const char c[4]) {
    if (c[0] == 0 && c[1] == 0 && c[2] == 0 && c[3] == 0)
        return 1;
    return c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z' && c[2] == 0 && c[3] == 0;
}

static inline const char* vigil_check_run_request(const uint8_t* body, uint64_t len) {
    struct vigil_run_request r;
    const char* s;
    uint64_t fixed;
    if (len < sizeof r)
        return "run request shorter than its fixed part";
    memcpy(&r, body, sizeof r);
    if (r.test_mode & ~VIGIL_TEST_MODES_KNOWN)
        return "unknown test mode";
    if (r.argc == 0 || r.argc > VIGIL_REQ_MAX_ARGC)
        return "argc out of range";
    if (r.envc > VIGIL_REQ_MAX_ENVC)
        return "envc out of range";
    if (r.cwd_len == 0 || r.cwd_len > VIGIL_REQ_MAX_PATH || r.package_dir_len > VIGIL_REQ_MAX_PATH ||
        r.cache_root_len > VIGIL_REQ_MAX_PATH)
        return "path length out of range";
    if (r.hostname_len == 0 || r.hostname_len > VIGIL_REQ_MAX_HOSTNAME)
        return "hostname length out of range";
    if (r.phase_len > VIGIL_REQ_MAX_PHASE)
        return "phase length out of range";
    if (r.wall_ms < VIGIL_REQ_MIN_WALL_MS || r.wall_ms > VIGIL_REQ_MAX_WALL_MS)
        return "wall-clock limit out of range";
    if (r.memory_bytes < VIGIL_REQ_MIN_MEMORY || r.memory_bytes > VIGIL_REQ_MAX_MEMORY)
        return "memory limit out of range";
    if (r.tmpfs_bytes < VIGIL_REQ_MIN_TMPFS || r.tmpfs_bytes > VIGIL_REQ_MAX_TMPFS)
        return "tmpfs limit out of range";
    if (r.output_bytes > VIGIL_REQ_MAX_OUTPUT)
        return "output limit out of range";
    if (r.pids_max == 0 || r.pids_max > VIGIL_REQ_MAX_PIDS)
        return "pids limit out of range";
    if (r.cpu_percent == 0 || r.cpu_percent > VIGIL_REQ_MAX_CPU_PERCENT)
        return "cpu limit out of range";
    if (r.reserved2 != 0)
        return "run request reserved field not zero";
    if (!vigil_geo_country_ok(r.geo_country))
        return "geo country is not two upper-case letters";
    /* All fields are 32-bit, so this 64-bit sum cannot overflow. */
    fixed = (uint64_t)r.cwd_len + r.package_dir_len + r.cache_root_len + r.hostname_len + r.phase_len;
    if ((uint64_t)sizeof r + fixed + r.argv_bytes + r.env_bytes != len)
        return "run request lengths do not add up to the body length";
    s = (const char*)body + sizeof r;
    if (vigil_has_nul(s, fixed))
        return "NUL byte inside a path, hostname or phase";
    s += fixed;
    if (vigil_count_strings(s, r.argv_bytes) != (long)r.argc)
        return "argv area does not hold argc NUL-terminated strings";
    s += r.argv_bytes;
    if (vigil_count_strings(s, r.env_bytes) != (long)r.envc)
        return "env area does not hold envc NUL-terminated strings";
    return NULL;
}

static inline const char* vigil_check_changes(const uint8_t* body, uint64_t len) {
    struct vigil_changes c;
    uint64_t off = sizeof c;
    uint32_t i;
    if (len < sizeof c)
        return "changes shorter than their fixed part";
    memcpy(&c, body, sizeof c);
    for (i = 0; i < c.count; ++i) {
        struct vigil_change e;
        if (len - off < sizeof e)
            return "change entry truncated";
        memcpy(&e, body + off, sizeof e);
        if (e.flags == 0 || (e.flags & ~VIGIL_CHANGE_KNOWN))
            return "change entry with unknown flags";
        if (e.path_len == 0 || e.path_len > VIGIL_REQ_MAX_PATH)
            return "change path length out of range";
        if (vigil_change_entry_size(e.path_len) > len - off)
            return "change path runs past the body";
        if (vigil_has_nul((const char*)body + off + sizeof e, e.path_len))
            return "NUL byte inside a change path";
        off += vigil_change_entry_size(e.path_len);
    }
    if (off != len)
        return "trailing bytes after the change entries";
    return NULL;
}

/* Body of VIGIL_MSG_BAIT: count entries, each a vigil_bait_token followed by name[name_len]
 * location[location_len] value[value_len] (no terminators), padded to a multiple of 8 bytes.
 * One entry per place a token was planted, so a leaked value names its source. */
#define VIGIL_BAIT_ENV 1u  /* location is an environment variable name */
#define VIGIL_BAIT_FILE 2u /* location is an absolute path inside the sandbox */
#define VIGIL_BAIT_MAX_NAME 64u
#define VIGIL_BAIT_MAX_VALUE 8192u
struct vigil_bait {
    uint32_t count;
    uint32_t reserved;
};
struct vigil_bait_token {
    uint32_t place; /* VIGIL_BAIT_* */
    uint32_t name_len;
    uint32_t location_len;
    uint32_t value_len;
};
VIGIL_STATIC_ASSERT(sizeof(struct vigil_bait) == 8, "bait layout");
VIGIL_STATIC_ASSERT(sizeof(struct vigil_bait_token) == 16, "bait token layout");

static inline uint64_t vigil_bait_entry_size(const struct vigil_bait_token* t) {
    return ((uint64_t)sizeof *t + t->name_len + t->location_len + t->value_len + 7u) & ~(uint64_t)7u;
}

static inline const char* vigil_check_bait(const uint8_t* body, uint64_t len) {
    struct vigil_bait b;
    uint64_t off = sizeof b;
    uint32_t i;
    if (len < sizeof b)
        return "bait shorter than its fixed part";
    memcpy(&b, body, sizeof b);
    for (i = 0; i < b.count; ++i) {
        struct vigil_bait_token t;
        const char* s;
        if (len - off < sizeof t)
            return "bait entry truncated";
        memcpy(&t, body + off, sizeof t);
        if (t.place != VIGIL_BAIT_ENV && t.place != VIGIL_BAIT_FILE)
            return "bait entry with an unknown place";
        if (t.name_len == 0 || t.name_len > VIGIL_BAIT_MAX_NAME || t.location_len == 0 ||
            t.location_len > VIGIL_REQ_MAX_PATH || t.value_len == 0 || t.value_len > VIGIL_BAIT_MAX_VALUE)
            return "bait entry length out of range";
        if (vigil_bait_entry_size(&t) > len - off)
            return "bait entry runs past the body";
        s = (const char*)body + off + sizeof t;
        if (vigil_has_nul(s, (uint64_t)t.name_len + t.location_len + t.value_len))
            return "NUL byte inside a bait entry";
        off += vigil_bait_entry_size(&t);
    }
    if (off != len)
        return "trailing bytes after the bait entries";
    return NULL;
}

/* --- The simulated internet (appended; the message set above is unchanged). ---------------- */

/* helper -> engine, any number, before RESULT: one thing the honeypot saw. */
#define VIGIL_MSG_NET_EVENT 8u

/* What the run's DNS resolver (the honeypot) answers for every A and AAAA query. The engine's
 * analysis uses them to tell "connected to a resolved name" from "connected to a hard-coded
 * address". Both look like one CDN front, as a real name's addresses would. */
#define VIGIL_HONEYPOT_ANSWER_IPV4 "104.18.32.7"
#define VIGIL_HONEYPOT_ANSWER_IPV6 "2606:4700::6812:2007"

#define VIGIL_NET_DNS 1u      /* texts: name, type ("A", "AAAA", "TYPE65"...); data: none */
#define VIGIL_NET_HTTP 2u     /* texts: method, host, path, header block, scheme ("http", or "https"
                                 when decrypted from TLS), emulation ("" when the generic page was
                                 served, else e.g. "npm.publish"), emulation detail (a flat JSON
                                 object of strings, "" when none), served ("<sha256 hex> <bytes>" of
                                 the response body when it was a download's stub or the generic
                                 page, else ""); data: body (bounded) */
#define VIGIL_NET_TCP 3u      /* texts: none, or "tls" when decrypted from TLS; data: first bytes the
                                 client sent (bounded) */
#define VIGIL_NET_TLS_SNI 4u  /* texts: server name (empty when absent); data: first bytes */
#define VIGIL_NET_TCP_SYN 5u  /* no longer sent (every TCP port answers); kept so kind numbers stay */
#define VIGIL_NET_UDP 6u      /* texts: none; data: first bytes of a datagram to a port other than 53 */
#define VIGIL_NET_DROPPED 7u  /* texts: decimal count of events the honeypot dropped over its cap */
#define VIGIL_NET_KIND_MAX 7u

#define VIGIL_NET_MAX_TEXTS 8u
#define VIGIL_NET_MAX_DATA 16384u
#define VIGIL_NET_MAX_TEXT_BYTES 16384u

/* Body of VIGIL_MSG_NET_EVENT, followed by text_bytes holding text_count NUL-terminated strings,
 * then data_len raw bytes. Addresses in network byte order: IPv4 in the first 4 bytes (family
 * VIGIL_NET_INET), IPv6 in all 16 (VIGIL_NET_INET6); both ends of one event share the family. */
#define VIGIL_NET_INET 4u
#define VIGIL_NET_INET6 6u
struct vigil_net_event {
    uint64_t time_ns;     /* CLOCK_REALTIME when the honeypot recorded it */
    uint32_t kind;        /* VIGIL_NET_* */
    uint16_t src_port;
    uint16_t dst_port;
    uint32_t text_count;
    uint32_t text_bytes;
    uint32_t data_len;
    uint32_t data_truncated; /* 1 when the client sent more than was kept */
    uint8_t family;          /* VIGIL_NET_INET or VIGIL_NET_INET6 */
    uint8_t pad[7];          /* 0 */
    uint8_t src_addr[16];
    uint8_t dst_addr[16];    /* the address the sandbox asked for: any address is answered */
};
VIGIL_STATIC_ASSERT(sizeof(struct vigil_net_event) == 72, "net event layout");

static inline const char* vigil_check_net_event(const uint8_t* body, uint64_t len) {
    struct vigil_net_event e;
    if (len < sizeof e)
        return "net event shorter than its fixed part";
    memcpy(&e, body, sizeof e);
    if (e.kind == 0 || e.kind > VIGIL_NET_KIND_MAX)
        return "net event of an unknown kind";
    if (e.family != VIGIL_NET_INET && e.family != VIGIL_NET_INET6)
        return "net event of an unknown address family";
    if (e.text_count > VIGIL_NET_MAX_TEXTS || e.text_bytes > VIGIL_NET_MAX_TEXT_BYTES ||
        e.data_len > VIGIL_NET_MAX_DATA)
        return "net event field out of range";
    if ((uint64_t)sizeof e + e.text_bytes + e.data_len != len)
        return "net event lengths do not add up to the body length";
    if (vigil_count_strings((const char*)body + sizeof e, e.text_bytes) != (long)e.text_count)
        return "net event text area does not hold text_count NUL-terminated strings";
    return NULL;
}

/* --- The eBPF tracer (appended; the messages above are unchanged). ------------------------- */

/* helper -> engine, any number, after READY and before STATS: raw tracer records. */
#define VIGIL_MSG_TRACE 9u
/* helper -> engine, exactly one, right before RESULT: what the tracer saw and missed. */
#define VIGIL_MSG_STATS 10u
/* (11 is VIGIL_MSG_RUNTIME, the Node hook's events.) */

/* Body of VIGIL_MSG_TRACE: count records (bpf/vigil_trace.h), each `size` bytes, back to back. */
struct vigil_trace_batch {
    uint32_t count;
    uint32_t abi; /* VIGIL_TRACE_ABI_VERSION */
};

#define VIGIL_TRACE_STATE_ACTIVE 1u   /* at least one family was attached for the whole command */
#define VIGIL_TRACE_STATE_UNTRACED 2u /* VIGIL_TEST_MODE_UNTRACED: no tracer by request */
#define VIGIL_TRACE_STATE_KNOWN 3u
#define VIGIL_TRACE_FAMILY_PROCESS 1u
#define VIGIL_TRACE_FAMILY_FILE 2u
#define VIGIL_TRACE_FAMILY_NET 4u
#define VIGIL_TRACE_FAMILY_ENV 8u
#define VIGIL_TRACE_FAMILY_DENIED 16u
#define VIGIL_TRACE_FAMILIES_KNOWN 31u
#define VIGIL_TRACE_MAX_WARNINGS 4096u
/* Body of VIGIL_MSG_STATS, followed by warnings[warnings_len]: lines saying what the tracer could
 * not do on this host (a family that failed to load or attach, a missing feature). */
struct vigil_trace_stats {
    uint64_t events;   /* records forwarded in TRACE batches */
    uint64_t drops;    /* records the kernel had no ring-buffer room for */
    uint64_t lost;     /* records the helper discarded: malformed, or over the per-run cap */
    uint64_t exec_ns;  /* CLOCK_MONOTONIC of the command's execve (0: it never ran) */
    uint32_t state;    /* VIGIL_TRACE_STATE_* */
    uint32_t families; /* VIGIL_TRACE_FAMILY_* attached */
    uint32_t warnings_len;
    uint32_t reserved;
};
VIGIL_STATIC_ASSERT(sizeof(struct vigil_trace_batch) == 8, "trace batch layout");
VIGIL_STATIC_ASSERT(sizeof(struct vigil_trace_stats) == 48, "trace stats layout");

/* Checks one tracer record at p with `avail` bytes left in the body. */
static inline const char* vigil_check_trace_record(const uint8_t* p, uint64_t avail) {
    struct vigil_trace_record r;
    uint64_t strings = 0;
    unsigned i;
    if (avail < sizeof r)
        return "trace record truncated";
    memcpy(&r, p, sizeof r);
    if (r.kind == 0 || r.kind > VIGIL_TRACE_KIND_MAX)
        return "trace record of an unknown kind";
    if (r.flags & ~VIGIL_TRACE_F_KNOWN)
        return "trace record with unknown flags";
    if (r.size < sizeof r || r.size % 8 != 0 || r.size > VIGIL_TRACE_MAX_RECORD + 8u)
        return "trace record size out of range";
    if (r.size > avail)
        return "trace record runs past the body";
    for (i = 0; i < VIGIL_TRACE_MAX_STRINGS; ++i) {
        if (r.str_len[i] > VIGIL_TRACE_MAX_PATH)
            return "trace record string too long";
        strings += r.str_len[i];
    }
    if (sizeof r + strings > r.size)
        return "trace record strings run past its size";
    return NULL;
}

static inline const char* vigil_check_trace(const uint8_t* body, uint64_t len) {
    struct vigil_trace_batch b;
    uint64_t off = sizeof b;
    uint32_t i;
    if (len < sizeof b)
        return "trace batch shorter than its fixed part";
    memcpy(&b, body, sizeof b);
    if (b.abi != VIGIL_TRACE_ABI_VERSION)
        return "trace batch of another record ABI";
    if (b.count == 0)
        return "empty trace batch";
    for (i = 0; i < b.count; ++i) {
        struct vigil_trace_record r;
        const char* reason = vigil_check_trace_record(body + off, len - off);
        if (reason)
            return reason;
        memcpy(&r, body + off, sizeof r);
        off += r.size;
    }
    if (off != len)
        return "trailing bytes after the trace records";
    return NULL;
}

static inline const char* vigil_check_stats(const uint8_t* body, uint64_t len) {
    struct vigil_trace_stats s;
    if (len < sizeof s)
        return "stats shorter than their fixed part";
    memcpy(&s, body, sizeof s);
    if ((s.state & ~VIGIL_TRACE_STATE_KNOWN) || (s.families & ~VIGIL_TRACE_FAMILIES_KNOWN))
        return "stats with unknown state or family bits";
    if (s.warnings_len > VIGIL_TRACE_MAX_WARNINGS || (uint64_t)sizeof s + s.warnings_len != len)
        return "stats warning length does not add up to the body length";
    if (vigil_has_nul((const char*)body + sizeof s, s.warnings_len))
        return "NUL byte inside the stats warnings";
    return NULL;
}

/* --- The Node runtime hook (appended). ---------------------------------------------------- */

/* helper -> engine, any number, before RESULT: JSON lines the runtime hook wrote on the run's
 * channel (resources/node/hook_core.cjs), passed through unparsed — the engine decodes them. */
#define VIGIL_MSG_RUNTIME 11u

#define VIGIL_RUNTIME_MAX_LINE 4096u /* the hook writes < PIPE_BUF bytes per line; longer = forged */

/* Body of VIGIL_MSG_RUNTIME, followed by text_bytes holding line_count NUL-terminated lines
 * (without their '\n'). `dropped` counts lines the helper discarded since the previous batch
 * (over-long, NUL inside, or past the run's cap). */
struct vigil_runtime {
    uint32_t line_count;
    uint32_t text_bytes;
    uint32_t dropped;
    uint32_t reserved;
};
VIGIL_STATIC_ASSERT(sizeof(struct vigil_runtime) == 16, "runtime batch layout");

static inline const char* vigil_check_runtime(const uint8_t* body, uint64_t len) {
    struct vigil_runtime r;
    const char* text = (const char*)body + sizeof r;
    uint64_t i, start = 0;
    if (len < sizeof r)
        return "runtime batch shorter than its fixed part";
    memcpy(&r, body, sizeof r);
    if (r.reserved != 0)
        return "runtime batch reserved field not zero";
    if ((uint64_t)sizeof r + r.text_bytes != len)
        return "runtime batch lengths do not add up to the body length";
    if (vigil_count_strings(text, r.text_bytes) != (long)r.line_count)
        return "runtime batch text does not hold line_count NUL-terminated lines";
    for (i = 0; i < r.text_bytes; ++i) {
        if (text[i] != '\0')
            continue;
        if (i == start || i - start > VIGIL_RUNTIME_MAX_LINE)
            return "runtime line empty or longer than the maximum";
        start = i + 1;
    }
    return NULL;
}

/* Checks a whole packet of n bytes: header, type, size, and the body of the given type. */
static inline const char* vigil_msg_check(const void* packet, uint64_t n) {
    struct vigil_msg_header h;
    const uint8_t* body = (const uint8_t*)packet + sizeof h;
    if (n < sizeof h)
        return "message shorter than its header";
    if (n > VIGIL_SANDBOX_MAX_MESSAGE)
        return "message larger than the protocol maximum";
    memcpy(&h, packet, sizeof h);
    if (h.magic != VIGIL_SANDBOX_MAGIC)
        return "bad magic";
    if (h.version != VIGIL_SANDBOX_PROTOCOL_VERSION)
        return "protocol version mismatch";
    if (h.reserved != 0)
        return "reserved header field not zero";
    if ((uint64_t)h.length != n - sizeof h)
        return "header length does not match the packet size";
    switch (h.type) {
    case VIGIL_MSG_RUN_REQUEST:
        return vigil_check_run_request(body, h.length);
    case VIGIL_MSG_READY: {
        struct vigil_ready r;
        if (h.length != sizeof r)
            return "ready has the wrong size";
        memcpy(&r, body, sizeof r);
        if (memchr(r.run_name, '\0', sizeof r.run_name) == NULL)
            return "ready run name not terminated";
        return NULL;
    }
    case VIGIL_MSG_OUTPUT: {
        struct vigil_output o;
        if (h.length <= sizeof o)
            return "output without data";
        memcpy(&o, body, sizeof o);
        if (o.stream != VIGIL_STREAM_STDOUT && o.stream != VIGIL_STREAM_STDERR)
            return "output on an unknown stream";
        return NULL;
    }
    case VIGIL_MSG_CHANGES:
        return vigil_check_changes(body, h.length);
    case VIGIL_MSG_BAIT:
        return vigil_check_bait(body, h.length);
    case VIGIL_MSG_RESULT: {
        struct vigil_result r;
        if (h.length != sizeof r)
            return "result has the wrong size";
        memcpy(&r, body, sizeof r);
        if (r.limits_hit & ~VIGIL_LIMIT_KNOWN)
            return "result with unknown limit bits";
        if (r.signal < 0 || r.signal > 64)
            return "result signal out of range";
        return NULL;
    }
    case VIGIL_MSG_ERROR: {
        struct vigil_error e;
        if (h.length < sizeof e)
            return "error shorter than its fixed part";
        memcpy(&e, body, sizeof e);
        if (e.code < VIGIL_ERR_REQUEST || e.code > VIGIL_ERR_INTERNAL)
            return "error with an unknown code";
        if ((uint64_t)sizeof e + e.primary_len + e.secondary_len != h.length)
            return "error text lengths do not add up to the body length";
        return NULL;
    }
    case VIGIL_MSG_NET_EVENT:
        return vigil_check_net_event(body, h.length);
    case VIGIL_MSG_TRACE:
        return vigil_check_trace(body, h.length);
    case VIGIL_MSG_STATS:
        return vigil_check_stats(body, h.length);
    case VIGIL_MSG_RUNTIME:
        return vigil_check_runtime(body, h.length);
    default:
        return "unknown message type";
    }
}

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_SANDBOX_PROTOCOL_H */
