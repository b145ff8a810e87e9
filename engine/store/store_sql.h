// @brief SQL text of the store's key queries, shared by the Store and the query-plan tests.
// Internal to engine/store. Every value travels as a bound parameter (?1, ?2, …), never as text.
#pragma once

namespace vigil::engine::store::detail {

/// Columns read into a StoredFingerprint, in this order (alias f = behavior_fingerprints).
#define VIGIL_STORE_FINGERPRINT_COLUMNS                                                              \
    "f.id, f.version_id, f.created_at, f.analyzer_version, "                                         \
    "f.network_calls, f.file_reads, f.file_writes, f.env_reads, f.shell_commands, f.dynamic_code_exec, " \
    "f.has_network_calls, f.has_file_reads, f.has_file_writes, f.has_env_reads, f.has_shell_commands, "  \
    "f.has_dynamic_code_exec, f.checksum, f.document"

/// "What did X@a do?" — the current fingerprint of one version (twice for X@a vs X@b).
/// Path: packages UNIQUE(ecosystem, name) → versions UNIQUE(package_id, version) → fingerprint PK.
inline constexpr const char* kFingerprintOfSql =
    "SELECT " VIGIL_STORE_FINGERPRINT_COLUMNS
    " FROM packages p"
    " JOIN versions v ON v.package_id = p.id"
    " JOIN behavior_fingerprints f ON f.id = v.fingerprint_id"
    " WHERE p.ecosystem = ?1 AND p.name = ?2 AND v.version = ?3";

/// "Has any version of X ever made network calls?" (current fingerprints of all its versions).
/// Path: packages UNIQUE(ecosystem, name) → versions_fingerprint_by_package → fingerprint PK.
inline constexpr const char* kEverMadeNetworkCallsSql =
    "SELECT EXISTS (SELECT 1 FROM packages p"
    " JOIN versions v ON v.package_id = p.id"
    " JOIN behavior_fingerprints f ON f.id = v.fingerprint_id"
    " WHERE p.ecosystem = ?1 AND p.name = ?2 AND f.has_network_calls = 1)";

/// "What is normal for category C?" — analysed versions and how many show each behaviour.
/// Sums the per-package counts the schema's triggers maintain. Path: packages_by_category
/// (covering: no table row is read).
inline constexpr const char* kCategoryNormSql =
    "SELECT ifnull(sum(analysed_versions), 0), ifnull(sum(network_calls_versions), 0),"
    " ifnull(sum(file_reads_versions), 0), ifnull(sum(file_writes_versions), 0),"
    " ifnull(sum(env_reads_versions), 0), ifnull(sum(shell_commands_versions), 0),"
    " ifnull(sum(dynamic_code_exec_versions), 0)"
    " FROM packages WHERE category = ?1 AND is_baseline = 0";

/// Columns read into an AnalysedVersion, in this order (p packages, v versions, f fingerprints).
#define VIGIL_STORE_ANALYSED_COLUMNS \
    "p.name, v.version, v.published_at, ifnull(p.category, ''), f.analyzer_version, f.created_at, f.document"

/// The current document of one version. Path: as kFingerprintOfSql.
inline constexpr const char* kAnalysedVersionSql =
    "SELECT " VIGIL_STORE_ANALYSED_COLUMNS
    " FROM packages p"
    " JOIN versions v ON v.package_id = p.id"
    " JOIN behavior_fingerprints f ON f.id = v.fingerprint_id"
    " WHERE p.ecosystem = ?1 AND p.name = ?2 AND v.version = ?3 AND f.document <> '{}'";

/// Analysed versions of one package, oldest first (the order of Store::versionsOf).
/// Path: packages UNIQUE(ecosystem, name) → versions_fingerprint_by_package → fingerprint PK.
inline constexpr const char* kAnalysedVersionsOfSql =
    "SELECT " VIGIL_STORE_ANALYSED_COLUMNS
    " FROM packages p"
    " JOIN versions v ON v.package_id = p.id"
    " JOIN behavior_fingerprints f ON f.id = v.fingerprint_id"
    " WHERE p.ecosystem = ?1 AND p.name = ?2 AND f.document <> '{}'"
    " ORDER BY v.published_at = '', v.published_at, v.id";

/// The version numbers of kAnalysedVersionsOfSql, in its order.
inline constexpr const char* kAnalysedVersionNumbersOfSql =
    "SELECT v.version"
    " FROM packages p"
    " JOIN versions v ON v.package_id = p.id"
    " JOIN behavior_fingerprints f ON f.id = v.fingerprint_id"
    " WHERE p.ecosystem = ?1 AND p.name = ?2 AND f.document <> '{}'"
    " ORDER BY v.published_at = '', v.published_at, v.id";

/// The newest analysed version of every package (optionally of one category), by name: the
/// samples of the category norms. Newest = last in the order of kAnalysedVersionsOfSql.
/// Path: packages_by_category (or a packages scan without a category) → versions → fingerprint PK.
inline constexpr const char* kLatestAnalysedPackagesSql =
    "SELECT name, version, published_at, category, analyzer_version, created_at, document FROM ("
    " SELECT p.name AS name, v.version AS version, v.published_at AS published_at,"
    "  ifnull(p.category, '') AS category, f.analyzer_version AS analyzer_version, f.created_at AS created_at,"
    "  f.document AS document, row_number() OVER (PARTITION BY p.id"
    "   ORDER BY v.published_at = '' DESC, v.published_at DESC, v.id DESC) AS newest"
    " FROM packages p"
    " JOIN versions v ON v.package_id = p.id"
    " JOIN behavior_fingerprints f ON f.id = v.fingerprint_id"
    " WHERE p.ecosystem = ?1 AND p.is_baseline = 0 AND f.document <> '{}'"
    "  AND (?2 IS NULL OR p.category = ?2))"
    " WHERE newest = 1 ORDER BY name";

/// The rows of kLatestAnalysedPackagesSql for the category norms (categorised packages only): the
/// fingerprint id, its norm behaviours when they start with the tag ?2 (else NULL), and the
/// document only when those are NULL — the documents are most of the bytes and rarely needed.
inline constexpr const char* kLatestNormSamplesSql =
    "SELECT id, name, version, category, behaviours, CASE WHEN behaviours IS NULL THEN document ELSE '' END FROM ("
    " SELECT f.id AS id, p.name AS name, v.version AS version, p.category AS category,"
    "  CASE WHEN substr(f.norm_behaviours, 1, length(?2)) = ?2 THEN f.norm_behaviours END AS behaviours,"
    "  f.document AS document, row_number() OVER (PARTITION BY p.id"
    "   ORDER BY v.published_at = '' DESC, v.published_at DESC, v.id DESC) AS newest"
    " FROM packages p"
    " JOIN versions v ON v.package_id = p.id"
    " JOIN behavior_fingerprints f ON f.id = v.fingerprint_id"
    " WHERE p.ecosystem = ?1 AND p.is_baseline = 0 AND f.document <> '{}')"
    " WHERE newest = 1 AND ifnull(category, '') <> '' ORDER BY name";

/// Packages whose maintained behaviour counts disagree with their versions' fingerprints;
/// checkIntegrity() reports them, so the counts behind the norms cannot drift unnoticed.
inline constexpr const char* kBehaviorCountDriftSql =
    "SELECT p.name FROM packages p LEFT JOIN ("
    "  SELECT v.package_id, count(*) AS n, sum(f.has_network_calls) AS net, sum(f.has_file_reads) AS fr,"
    "   sum(f.has_file_writes) AS fw, sum(f.has_env_reads) AS env, sum(f.has_shell_commands) AS sh,"
    "   sum(f.has_dynamic_code_exec) AS dyn"
    "  FROM versions v JOIN behavior_fingerprints f ON f.id = v.fingerprint_id GROUP BY v.package_id"
    " ) s ON s.package_id = p.id"
    " WHERE p.analysed_versions <> ifnull(s.n, 0) OR p.network_calls_versions <> ifnull(s.net, 0)"
    "  OR p.file_reads_versions <> ifnull(s.fr, 0) OR p.file_writes_versions <> ifnull(s.fw, 0)"
    "  OR p.env_reads_versions <> ifnull(s.env, 0) OR p.shell_commands_versions <> ifnull(s.sh, 0)"
    "  OR p.dynamic_code_exec_versions <> ifnull(s.dyn, 0)";

/// The latest scan of a project (optionally of one status). Path: scans_by_project, newest first.
inline constexpr const char* kLatestScanSql =
    "SELECT id, project_path, started_at, finished_at, status, lockfile, totals FROM scans"
    " WHERE project_path = ?1 AND (?2 IS NULL OR status = ?2)"
    " ORDER BY started_at DESC, id DESC LIMIT 1";

/// Scan history of a project, newest first. Path: scans_by_project.
inline constexpr const char* kScansOfSql =
    "SELECT id, project_path, started_at, finished_at, status, lockfile, totals FROM scans"
    " WHERE project_path = ?1 ORDER BY started_at DESC, id DESC";

/// Events of a run in order. Path: events PRIMARY KEY (run_id, seq).
inline constexpr const char* kEventsOfSql =
    "SELECT seq, phase, ts_ns, kind, data FROM events"
    " WHERE run_id = ?1 AND seq >= ?2 ORDER BY seq LIMIT ?3";

/// Findings of a version, most severe first, newest first within a severity. Path: findings_by_version.
inline constexpr const char* kFindingsOfSql =
    "SELECT id, version_id, run_id, rule_id, severity, title, evidence, created_at FROM findings"
    " WHERE version_id = ?1 AND severity >= ?2 ORDER BY severity DESC, id DESC";

}  // namespace vigil::engine::store::detail
