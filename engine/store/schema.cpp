#include "engine/store/schema.h"

#include <array>

namespace vigil::engine::store::detail {

namespace {

// Conventions: STRICT tables (a wrong type is a bug, not data); times are unix milliseconds
// (INTEGER) except published_at, kept verbatim as the registry's ISO-8601 text; JSON columns are
// TEXT with a CHECK so a malformed document never lands in the store.
constexpr const char* kMigration1 = R"sql(
PRAGMA application_id = 1447642956;

-- The *_versions columns count this package's versions whose current fingerprint shows each
-- behaviour. The triggers at the end keep them exact; they exist so that "what is normal for
-- category C" sums one index range instead of visiting thousands of fingerprint rows.
CREATE TABLE packages (
  id                         INTEGER PRIMARY KEY,
  ecosystem                  TEXT NOT NULL,
  name                       TEXT NOT NULL,
  category                   TEXT,
  is_baseline                INTEGER NOT NULL DEFAULT 0 CHECK (is_baseline IN (0, 1)),
  analysed_versions          INTEGER NOT NULL DEFAULT 0,
  network_calls_versions     INTEGER NOT NULL DEFAULT 0,
  file_reads_versions        INTEGER NOT NULL DEFAULT 0,
  file_writes_versions       INTEGER NOT NULL DEFAULT 0,
  env_reads_versions         INTEGER NOT NULL DEFAULT 0,
  shell_commands_versions    INTEGER NOT NULL DEFAULT 0,
  dynamic_code_exec_versions INTEGER NOT NULL DEFAULT 0,
  UNIQUE (ecosystem, name)
) STRICT;
-- "what is normal for category C": a covering index, so the norm never reads a table row.
CREATE INDEX packages_by_category ON packages (category, is_baseline, analysed_versions, network_calls_versions,
  file_reads_versions, file_writes_versions, env_reads_versions, shell_commands_versions, dynamic_code_exec_versions);

CREATE TABLE versions (
  id                 INTEGER PRIMARY KEY,
  package_id         INTEGER NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
  version            TEXT NOT NULL,
  integrity          TEXT NOT NULL DEFAULT '',
  published_at       TEXT NOT NULL DEFAULT '',
  analyzed_at        INTEGER,
  analyzer_version   TEXT,
  -- the current fingerprint; older analyzer versions' fingerprints stay in the table
  fingerprint_id     INTEGER REFERENCES behavior_fingerprints (id) ON DELETE SET NULL,
  metadata           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
  has_install_script INTEGER NOT NULL DEFAULT 0 CHECK (has_install_script IN (0, 1)),
  UNIQUE (package_id, version)
) STRICT;
-- Covers package → current fingerprint without touching version rows (norms, "ever networked").
CREATE INDEX versions_fingerprint_by_package ON versions (package_id, fingerprint_id);
-- Lets ON DELETE SET NULL find the versions pointing at a deleted fingerprint.
CREATE INDEX versions_by_fingerprint ON versions (fingerprint_id);

CREATE TABLE version_files (
  version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
  path       TEXT NOT NULL,
  size       INTEGER NOT NULL CHECK (size >= 0),
  mode       INTEGER NOT NULL,
  sha256     TEXT NOT NULL,
  PRIMARY KEY (version_id, path)
) WITHOUT ROWID, STRICT;

-- The has_* flags are generated from the arrays, so they can never disagree with them.
CREATE TABLE behavior_fingerprints (
  id                    INTEGER PRIMARY KEY,
  version_id            INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
  analyzer_version      TEXT NOT NULL,
  created_at            INTEGER NOT NULL,
  network_calls         TEXT NOT NULL DEFAULT '[]' CHECK (json_type(network_calls) = 'array'),
  file_reads            TEXT NOT NULL DEFAULT '[]' CHECK (json_type(file_reads) = 'array'),
  file_writes           TEXT NOT NULL DEFAULT '[]' CHECK (json_type(file_writes) = 'array'),
  env_reads             TEXT NOT NULL DEFAULT '[]' CHECK (json_type(env_reads) = 'array'),
  shell_commands        TEXT NOT NULL DEFAULT '[]' CHECK (json_type(shell_commands) = 'array'),
  dynamic_code_exec     TEXT NOT NULL DEFAULT '[]' CHECK (json_type(dynamic_code_exec) = 'array'),
  has_network_calls     INTEGER GENERATED ALWAYS AS (json_array_length(network_calls) > 0) STORED,
  has_file_reads        INTEGER GENERATED ALWAYS AS (json_array_length(file_reads) > 0) STORED,
  has_file_writes       INTEGER GENERATED ALWAYS AS (json_array_length(file_writes) > 0) STORED,
  has_env_reads         INTEGER GENERATED ALWAYS AS (json_array_length(env_reads) > 0) STORED,
  has_shell_commands    INTEGER GENERATED ALWAYS AS (json_array_length(shell_commands) > 0) STORED,
  has_dynamic_code_exec INTEGER GENERATED ALWAYS AS (json_array_length(dynamic_code_exec) > 0) STORED,
  checksum              TEXT NOT NULL,
  UNIQUE (version_id, analyzer_version)
) STRICT;

CREATE TABLE analysis_runs (
  id               INTEGER PRIMARY KEY,
  version_id       INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
  phase            TEXT NOT NULL CHECK (phase IN ('install', 'import', 'api')),
  started_at       INTEGER NOT NULL,
  finished_at      INTEGER,
  outcome          TEXT,
  analyzer_version TEXT NOT NULL
) STRICT;
CREATE INDEX analysis_runs_by_version ON analysis_runs (version_id, started_at);

-- Ordered per run by seq; the primary key is the "events of run R" index.
CREATE TABLE events (
  run_id INTEGER NOT NULL REFERENCES analysis_runs (id) ON DELETE CASCADE,
  seq    INTEGER NOT NULL,
  ts_ns  INTEGER NOT NULL,
  phase  TEXT NOT NULL,
  kind   TEXT NOT NULL,
  data   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID, STRICT;

CREATE TABLE findings (
  id         INTEGER PRIMARY KEY,
  version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
  run_id     INTEGER REFERENCES analysis_runs (id) ON DELETE SET NULL,
  rule_id    TEXT NOT NULL,
  severity   INTEGER NOT NULL CHECK (severity BETWEEN 0 AND 4),
  title      TEXT NOT NULL,
  evidence   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(evidence)),
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX findings_by_version ON findings (version_id, severity);
CREATE INDEX findings_by_run ON findings (run_id);

CREATE TABLE scans (
  id           INTEGER PRIMARY KEY,
  project_path TEXT NOT NULL,
  started_at   INTEGER NOT NULL,
  finished_at  INTEGER,
  status       TEXT NOT NULL DEFAULT 'running'
               CHECK (status IN ('running', 'complete', 'failed', 'cancelled')),
  lockfile     TEXT NOT NULL DEFAULT '',
  totals       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(totals) AND json_type(totals) = 'object')
) STRICT;
CREATE INDEX scans_by_project ON scans (project_path, started_at);

-- A scan keeps the versions it saw: deleting a version a scan used is refused (RESTRICT).
CREATE TABLE scan_packages (
  scan_id    INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE RESTRICT,
  direct     INTEGER NOT NULL DEFAULT 0 CHECK (direct IN (0, 1)),
  dev        INTEGER NOT NULL DEFAULT 0 CHECK (dev IN (0, 1)),
  optional   INTEGER NOT NULL DEFAULT 0 CHECK (optional IN (0, 1)),
  PRIMARY KEY (scan_id, version_id)
) WITHOUT ROWID, STRICT;
CREATE INDEX scan_packages_by_version ON scan_packages (version_id);

CREATE TABLE scan_edges (
  id              INTEGER PRIMARY KEY,
  scan_id         INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
  from_version_id INTEGER REFERENCES versions (id) ON DELETE RESTRICT,  -- NULL: the project root
  to_version_id   INTEGER NOT NULL REFERENCES versions (id) ON DELETE RESTRICT,
  alias           TEXT NOT NULL,
  spec            TEXT NOT NULL,
  dep_type        TEXT NOT NULL CHECK (dep_type IN ('prod', 'dev', 'optional', 'peer'))
) STRICT;
CREATE INDEX scan_edges_by_scan ON scan_edges (scan_id, from_version_id);
CREATE INDEX scan_edges_by_to ON scan_edges (to_version_id);
CREATE INDEX scan_edges_by_from ON scan_edges (from_version_id);

-- Behaviour counts per package (see packages): recomputed from the source rows whenever a
-- version's current fingerprint, a fingerprint's content, or the set of versions changes.
-- FK actions (ON DELETE SET NULL of fingerprint_id) fire these triggers too.
CREATE TRIGGER versions_fingerprint_set AFTER UPDATE OF fingerprint_id, package_id ON versions
BEGIN
  UPDATE packages SET (analysed_versions, network_calls_versions, file_reads_versions, file_writes_versions,
                       env_reads_versions, shell_commands_versions, dynamic_code_exec_versions) =
    (SELECT count(f.id), ifnull(sum(f.has_network_calls), 0), ifnull(sum(f.has_file_reads), 0),
            ifnull(sum(f.has_file_writes), 0), ifnull(sum(f.has_env_reads), 0),
            ifnull(sum(f.has_shell_commands), 0), ifnull(sum(f.has_dynamic_code_exec), 0)
       FROM versions v JOIN behavior_fingerprints f ON f.id = v.fingerprint_id
      WHERE v.package_id = packages.id)
  WHERE id IN (NEW.package_id, OLD.package_id);
END;

CREATE TRIGGER versions_removed AFTER DELETE ON versions
BEGIN
  UPDATE packages SET (analysed_versions, network_calls_versions, file_reads_versions, file_writes_versions,
                       env_reads_versions, shell_commands_versions, dynamic_code_exec_versions) =
    (SELECT count(f.id), ifnull(sum(f.has_network_calls), 0), ifnull(sum(f.has_file_reads), 0),
            ifnull(sum(f.has_file_writes), 0), ifnull(sum(f.has_env_reads), 0),
            ifnull(sum(f.has_shell_commands), 0), ifnull(sum(f.has_dynamic_code_exec), 0)
       FROM versions v JOIN behavior_fingerprints f ON f.id = v.fingerprint_id
      WHERE v.package_id = packages.id)
  WHERE id = OLD.package_id;
END;

-- Re-analysis with the same analyzer version rewrites the fingerprint in place (same id).
CREATE TRIGGER fingerprint_rewritten AFTER UPDATE ON behavior_fingerprints
BEGIN
  UPDATE packages SET (analysed_versions, network_calls_versions, file_reads_versions, file_writes_versions,
                       env_reads_versions, shell_commands_versions, dynamic_code_exec_versions) =
    (SELECT count(f.id), ifnull(sum(f.has_network_calls), 0), ifnull(sum(f.has_file_reads), 0),
            ifnull(sum(f.has_file_writes), 0), ifnull(sum(f.has_env_reads), 0),
            ifnull(sum(f.has_shell_commands), 0), ifnull(sum(f.has_dynamic_code_exec), 0)
       FROM versions v JOIN behavior_fingerprints f ON f.id = v.fingerprint_id
      WHERE v.package_id = packages.id)
  WHERE id = (SELECT package_id FROM versions WHERE id = NEW.version_id);
END;
)sql";

// The analysis's whole fingerprint document (sections with the event seqs behind each item,
// phase outcomes, exfiltration proofs): what the rules judge again when only the rules changed.
// The six arrays stay the indexed, checksummed summary; '{}' on fingerprints written before.
constexpr const char* kMigration2 = R"sql(
ALTER TABLE behavior_fingerprints ADD COLUMN document TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(document));
)sql";

// The norm behaviours of a fingerprint's document (Store::saveNormBehaviours): a few bytes the
// category norms read instead of parsing every stored document on every scan. The engine writes
// them (it owns the behaviour definitions; the store does not), the first time the norms need them,
// so existing stores fill in on their next scan and this migration stays one quick statement. NULL
// = not computed yet. The trigger clears them whenever the document changes, so they cannot be stale.
constexpr const char* kMigration3 = R"sql(
ALTER TABLE behavior_fingerprints ADD COLUMN norm_behaviours TEXT;
CREATE TRIGGER behavior_fingerprints_document_changed AFTER UPDATE OF document ON behavior_fingerprints
WHEN NEW.document IS NOT OLD.document
BEGIN
  UPDATE behavior_fingerprints SET norm_behaviours = NULL WHERE id = NEW.id;
END;
)sql";

constexpr std::array<Migration, 3> kMigrations{{
    {1, "initial schema", kMigration1},
    {2, "fingerprint documents", kMigration2},
    {3, "fingerprint norm behaviours", kMigration3},
}};

constexpr std::array<const char*, 10> kTables{
    "packages", "versions",      "version_files", "behavior_fingerprints", "analysis_runs",
    "events",   "findings",      "scans",         "scan_packages",         "scan_edges",
};

static_assert(kApplicationId == 1447642956, "migration 1 writes the application id as a literal");

}  // namespace

std::span<const Migration> migrations() noexcept { return kMigrations; }

std::span<const char* const> schemaTables() noexcept { return kTables; }

}  // namespace vigil::engine::store::detail
