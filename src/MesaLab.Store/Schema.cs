namespace MesaLab.Store;

/// <summary>
/// The store's schema as numbered migrations, written once for both databases: <c>{int}</c>, <c>{real}</c>,
/// <c>{blob}</c>, <c>{id}</c> and <c>{without_rowid}</c> are filled in by the dialect, so SQLite and
/// PostgreSQL hold the same tables, columns and keys. Timestamps are ISO-8601 UTC text
/// (<c>2026-11-26T10:15:07.123Z</c>), which sorts correctly and reads the same in both.
/// </summary>
internal static class Schema
{
    /// <summary>Migrations in order; version i+1 is <c>Migrations[i]</c>. Never edit a released one: append.</summary>
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE runs (
            id TEXT NOT NULL PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            world TEXT NOT NULL,
            config TEXT NOT NULL,
            seed {int} NOT NULL,
            code_version TEXT NOT NULL,
            status TEXT NOT NULL,
            created TEXT NOT NULL,
            updated TEXT NOT NULL,
            finished TEXT NULL,
            wall_seconds {real} NOT NULL,
            host TEXT NOT NULL
        );
        CREATE TABLE metrics (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            update_index {int} NOT NULL,
            env_step {int} NOT NULL,
            name TEXT NOT NULL,
            value {real} NOT NULL,
            PRIMARY KEY (run_id, update_index, name)
        ){without_rowid};
        CREATE INDEX metrics_by_name ON metrics (run_id, name, update_index);
        CREATE TABLE checkpoints (
            run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            update_index {int} NOT NULL,
            env_step {int} NOT NULL,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            size {int} NOT NULL,
            created TEXT NOT NULL,
            PRIMARY KEY (run_id, update_index)
        );
        CREATE TABLE evaluations (
            id {id},
            run_id TEXT NULL REFERENCES runs(id) ON DELETE CASCADE,
            agent TEXT NOT NULL,
            world TEXT NOT NULL,
            split TEXT NOT NULL,
            split_fingerprint TEXT NOT NULL,
            seed {int} NOT NULL,
            episode_count {int} NOT NULL,
            created TEXT NOT NULL
        );
        CREATE INDEX evaluations_by_run ON evaluations (run_id);
        CREATE TABLE episodes (
            evaluation_id {int} NOT NULL REFERENCES evaluations(id) ON DELETE CASCADE,
            episode_index {int} NOT NULL,
            level_index {int} NOT NULL,
            level_seed {int} NOT NULL,
            episode_return {real} NOT NULL,
            length {int} NOT NULL,
            terminated {int} NOT NULL,
            truncated {int} NOT NULL,
            trajectory {blob} NOT NULL,
            PRIMARY KEY (evaluation_id, episode_index)
        );
        CREATE TABLE results (
            id {id},
            run_id TEXT NULL REFERENCES runs(id) ON DELETE CASCADE,
            evaluation_id {int} NULL REFERENCES evaluations(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            name TEXT NOT NULL,
            json TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE INDEX results_by_run ON results (run_id, kind);
        CREATE INDEX results_by_evaluation ON results (evaluation_id, kind);
        """,
        // Leases: which process works on a run, so a killed one is seen as gone; and a failed run's error.
        """
        CREATE TABLE leases (
            run_id TEXT NOT NULL PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
            token TEXT NOT NULL,
            host TEXT NOT NULL,
            pid {int} NOT NULL,
            start_mark TEXT NULL,
            acquired TEXT NOT NULL,
            heartbeat TEXT NOT NULL
        );
        ALTER TABLE runs ADD COLUMN error TEXT NULL;
        """,
        // Studies: procedures × seeds expanded into jobs, each leased by one worker; a job's run names its study and job.
        """
        CREATE TABLE studies (
            name TEXT NOT NULL PRIMARY KEY,
            spec TEXT NOT NULL,
            spec_hash TEXT NOT NULL,
            created TEXT NOT NULL
        );
        CREATE TABLE study_jobs (
            study TEXT NOT NULL REFERENCES studies(name) ON DELETE CASCADE,
            job TEXT NOT NULL,
            position {int} NOT NULL,
            procedure_name TEXT NOT NULL,
            seed {int} NOT NULL,
            config TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts {int} NOT NULL,
            failures {int} NOT NULL,
            error TEXT NULL,
            seconds {real} NOT NULL,
            updated TEXT NOT NULL,
            token TEXT NULL,
            host TEXT NULL,
            pid {int} NULL,
            start_mark TEXT NULL,
            acquired TEXT NULL,
            heartbeat TEXT NULL,
            PRIMARY KEY (study, job)
        );
        CREATE UNIQUE INDEX study_jobs_by_position ON study_jobs (study, position);
        ALTER TABLE runs ADD COLUMN study TEXT NULL;
        ALTER TABLE runs ADD COLUMN study_job TEXT NULL;
        CREATE UNIQUE INDEX runs_by_study_job ON runs (study, study_job);
        """,
    ];

    public static int Latest => Migrations.Length;
}
