namespace MesaLab.Store;

using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;


/// <summary>
/// The run store over any SQL database the dialect describes. Every call opens a pooled connection
/// (so one store may be used from several threads), and every multi-row write is one transaction.
/// </summary>
public abstract partial class SqlRunStore : IRunStore
{
    private protected SqlRunStore(string workspace, SqlDialect dialect)
    {
        Workspace = Path.GetFullPath(workspace);
        Dialect = dialect;
    }

    private protected SqlDialect Dialect { get; }

    public string Workspace { get; }

    public abstract string Location { get; }

    /// <summary>An open connection with the store's session settings (internal: tests use it to simulate crashes).</summary>
    internal abstract DbConnection OpenConnection();

    /// <summary>Begins a write transaction (SQLite: BEGIN IMMEDIATE, so writers queue instead of deadlocking).</summary>
    private protected virtual DbTransaction BeginWrite(DbConnection c) => c.BeginTransaction(IsolationLevel.ReadCommitted);

    public abstract void Dispose();

    /// <summary>Commits a write transaction (a kill test can pause the process just before: <see cref="TestPause.StoreCommit"/>).</summary>
    private static void Commit(DbTransaction tx)
    {
        TestPause.At(TestPause.StoreCommit);
        tx.Commit();
    }

    /// <summary>Brings the schema to <see cref="Schema.Latest"/>, one migration at a time, each in its transaction.</summary>
    private protected void Migrate()
    {
        using var c = OpenConnection();
        using var tx = BeginWrite(c);
        if (Dialect.MigrationLock.Length > 0) c.Execute(Dialect.MigrationLock, transaction: tx);
        c.Execute($"CREATE TABLE IF NOT EXISTS schema_version (version {Dialect.Int} NOT NULL PRIMARY KEY, applied TEXT NOT NULL)", transaction: tx);
        long current = c.ExecuteScalar<long?>("SELECT MAX(version) FROM schema_version", transaction: tx) ?? 0;
        if (current > Schema.Latest)
            throw new UserError($"the run store at {Location} has schema version {current}, newer than this MesaLab understands ({Schema.Latest}); use a newer MesaLab or another workspace.");
        for (long v = current + 1; v <= Schema.Latest; v++)
        {
            c.Execute(Dialect.Expand(Schema.Migrations[v - 1]), transaction: tx);
            c.Execute("INSERT INTO schema_version (version, applied) VALUES (@v, @t)", new { v, t = Now() }, tx);
        }
        Commit(tx);
    }

    /// <summary>
    /// For a store opened read-only: refuses a database whose schema is not <see cref="Schema.Latest"/> (an older one
    /// would need a migration, which is a write; a newer one this MesaLab does not understand).
    /// </summary>
    private protected void RequireLatestSchema()
    {
        long current;
        using (var c = OpenConnection())
            current = c.ExecuteScalar<long?>("SELECT MAX(version) FROM schema_version") ?? 0;
        if (current > Schema.Latest)
            throw new UserError($"the run store at {Location} has schema version {current}, newer than this MesaLab understands ({Schema.Latest}); use a newer MesaLab or another workspace.");
        if (current < Schema.Latest)
            throw new UserError($"the run store at {Location} has schema version {current}, older than this MesaLab's ({Schema.Latest}), and is opened read-only; run `mesalab runs` once on it to migrate it.");
    }

    /// <summary>Whether the store was opened read-only (every write fails in the database itself).</summary>
    public bool ReadOnly { get; private protected init; }

    /// <summary>The schema version the database is at.</summary>
    public long SchemaVersion
    {
        get
        {
            using var c = OpenConnection();
            return c.ExecuteScalar<long?>("SELECT MAX(version) FROM schema_version") ?? 0;
        }
    }

    // ----- time -----

    private static string Now() => Stamp(DateTimeOffset.UtcNow);

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseStamp(string s) =>
        DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    // ----- runs -----

    private string RunSelect =>
        "SELECT r.id AS Id, r.name AS Name, r.kind AS Kind, r.world AS World, r.config AS Config, r.seed AS Seed, r.code_version AS CodeVersion, " +
        "r.status AS Status, r.created AS Created, r.updated AS Updated, r.finished AS Finished, r.wall_seconds AS WallSeconds, r.host AS Host, " +
        "r.error AS Error, r.study AS Study, r.study_job AS StudyJob, l.token AS LeaseToken, l.host AS LeaseHost, l.pid AS LeasePid, l.start_mark AS LeaseStartMark, " +
        $"l.acquired AS LeaseAcquired, l.heartbeat AS LeaseHeartbeat, {Dialect.NowSql} AS StoreNow " +
        "FROM runs r LEFT JOIN leases l ON l.run_id = r.id";

    private sealed class RunRow
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string Kind { get; set; } = "";
        public string World { get; set; } = "";
        public string Config { get; set; } = "";
        public long Seed { get; set; }
        public string CodeVersion { get; set; } = "";
        public string Status { get; set; } = "";
        public string Created { get; set; } = "";
        public string Updated { get; set; } = "";
        public string? Finished { get; set; }
        public double WallSeconds { get; set; }
        public string Host { get; set; } = "";
        public string? Error { get; set; }
        public string? Study { get; set; }
        public string? StudyJob { get; set; }
        public string? LeaseToken { get; set; }
        public string? LeaseHost { get; set; }
        public long? LeasePid { get; set; }
        public string? LeaseStartMark { get; set; }
        public string? LeaseAcquired { get; set; }
        public string? LeaseHeartbeat { get; set; }
        public string StoreNow { get; set; } = "";

        public RunRecord ToRecord() => new(Id, Name, Kind, World, Config, Seed, CodeVersion, RunStatusText.Parse(Status),
            ParseStamp(Created), ParseStamp(Updated), Finished is null ? null : ParseStamp(Finished), WallSeconds, Host)
        {
            Error = Error,
            Study = Study,
            StudyJob = StudyJob,
            Lease = LeaseToken is null ? null : ToLease(new LeaseRow
            {
                RunId = Id, Token = LeaseToken, Host = LeaseHost!, Pid = LeasePid ?? 0, StartMark = LeaseStartMark, Acquired = LeaseAcquired!, Heartbeat = LeaseHeartbeat!,
            }, ParseStamp(StoreNow)),
        };
    }

    public RunRecord CreateRun(NewRun run, RunHolder? holder = null)
    {
        if (string.IsNullOrWhiteSpace(run.Kind)) throw new ArgumentException("a run needs a kind (train, evaluate, …).", nameof(run));
        string baseName = string.IsNullOrWhiteSpace(run.Name) ? $"{run.World}-{run.Kind}" : run.Name.Trim();
        string codeVersion = run.CodeVersion ?? Store.CodeVersion.Current;
        string host = holder?.Host ?? run.Host ?? Environment.MachineName;
        if ((run.Study is null) != (run.StudyJob is null)) throw new ArgumentException("a study run names both its study and its job.", nameof(run));
        using var c = OpenConnection();
        for (int attempt = 0; ; attempt++)
        {
            // Pick a free name and id, then insert; a concurrent creator taking the same name makes the insert fail, and we try again.
            using var tx = BeginWrite(c);
            if (run.Study is not null) RequireNoStudyRun(c, tx, run.Study, run.StudyJob!);
            var taken = c.Query<string>("SELECT name FROM runs", transaction: tx).ToHashSet(StringComparer.OrdinalIgnoreCase);
            string name = baseName;
            for (int i = 2; taken.Contains(name); i++) name = $"{baseName}-{i}";
            string id = NewId();
            string now = Now();
            try
            {
                c.Execute(
                    "INSERT INTO runs (id, name, kind, world, config, seed, code_version, status, created, updated, finished, wall_seconds, host, study, study_job) " +
                    "VALUES (@id, @name, @kind, @world, @config, @seed, @codeVersion, @status, @now, @now, NULL, 0, @host, @study, @studyJob)",
                    new { id, name, kind = run.Kind, world = run.World, config = run.Config, seed = run.Seed, codeVersion, status = RunStatus.Running.ToText(), now, host, study = run.Study, studyJob = run.StudyJob }, tx);
                RunLease? lease = null;
                if (holder is not null)
                {
                    string stamp = StoreNow(c, tx);
                    WriteLease(c, tx, id, holder, stamp, stamp);
                    lease = new RunLease(id, holder, ParseStamp(stamp), ParseStamp(stamp));
                }
                Commit(tx);
                return new RunRecord(id, name, run.Kind, run.World, run.Config, run.Seed, codeVersion, RunStatus.Running, ParseStamp(now), ParseStamp(now), null, 0, host)
                {
                    Lease = lease,
                    Study = run.Study,
                    StudyJob = run.StudyJob,
                };
            }
            catch (Exception e) when (Dialect.IsUniqueViolation(e) && attempt < 20)
            {
            }
        }
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    public IReadOnlyList<RunRecord> ListRuns()
    {
        using var c = OpenConnection();
        return c.Query<RunRow>($"{RunSelect} ORDER BY r.created DESC, r.id").Select(r => r.ToRecord()).ToList();
    }

    public RunRecord GetRun(string idOrName) => FindRun(idOrName) ??
        throw new UserError($"unknown run '{idOrName}' in {Location}; `mesalab runs` lists them.");

    public RunRecord? FindRun(string idOrName)
    {
        string key = idOrName.Trim();
        if (key.Length == 0) throw new UserError("a run must be named by its id or name; `mesalab runs` lists them.");
        using var c = OpenConnection();
        var exact = c.QueryFirstOrDefault<RunRow>($"{RunSelect} WHERE r.id = @key OR r.name = @key ORDER BY CASE WHEN r.id = @key THEN 0 ELSE 1 END", new { key });
        if (exact is not null) return exact.ToRecord();
        // Prefix match in C#: LIKE differs in case rules between SQLite and PostgreSQL, and the runs table is small.
        var matches = c.Query<(string Id, string Name)>("SELECT id, name FROM runs")
            .Where(r => r.Id.StartsWith(key, StringComparison.OrdinalIgnoreCase) || r.Name.StartsWith(key, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (matches.Count == 0) return null;
        if (matches.Count > 1)
            throw new UserError($"run '{idOrName}' is ambiguous: it matches {string.Join(", ", matches.Take(5).Select(m => $"{m.Id} ({m.Name})"))}{(matches.Count > 5 ? ", …" : "")}; give more of the id or name.");
        return c.QueryFirst<RunRow>($"{RunSelect} WHERE r.id = @id", new { id = matches[0].Id }).ToRecord();
    }

    public void UpdateRun(string runId, RunStatus status, double wallSeconds, string? error = null)
    {
        using var c = OpenConnection();
        int n = SetStatus(c, null, runId, status, wallSeconds, error);
        if (n == 0) throw UnknownRun(runId);
    }

    private static int SetStatus(DbConnection c, DbTransaction? tx, string runId, RunStatus status, double wallSeconds, string? error)
    {
        string now = Now();
        return c.Execute("UPDATE runs SET status = @status, wall_seconds = @wallSeconds, updated = @now, finished = @finished, error = @error WHERE id = @runId",
            new { runId, status = status.ToText(), wallSeconds, now, finished = status == RunStatus.Running ? null : now, error }, tx);
    }

    public void UpdateRunConfig(string runId, string config)
    {
        using var c = OpenConnection();
        int n = c.Execute("UPDATE runs SET config = @config, updated = @now WHERE id = @runId", new { runId, config, now = Now() });
        if (n == 0) throw UnknownRun(runId);
    }

    public void DeleteRun(string runId)
    {
        using var c = OpenConnection();
        using var tx = BeginWrite(c);
        // Explicit deletes (not only ON DELETE CASCADE) so the result does not depend on a session's foreign-key setting.
        c.Execute("DELETE FROM episodes WHERE evaluation_id IN (SELECT id FROM evaluations WHERE run_id = @runId)", new { runId }, tx);
        c.Execute("DELETE FROM results WHERE run_id = @runId OR evaluation_id IN (SELECT id FROM evaluations WHERE run_id = @runId)", new { runId }, tx);
        c.Execute("DELETE FROM evaluations WHERE run_id = @runId", new { runId }, tx);
        c.Execute("DELETE FROM metrics WHERE run_id = @runId", new { runId }, tx);
        c.Execute("DELETE FROM checkpoints WHERE run_id = @runId", new { runId }, tx);
        c.Execute("DELETE FROM leases WHERE run_id = @runId", new { runId }, tx);
        int n = c.Execute("DELETE FROM runs WHERE id = @runId", new { runId }, tx);
        if (n == 0) throw UnknownRun(runId);
        Commit(tx);
    }

    private UserError UnknownRun(string runId) => new($"unknown run '{runId}' in {Location}; `mesalab runs` lists them.");

    private void RequireRun(DbConnection c, DbTransaction? tx, string runId)
    {
        if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM runs WHERE id = @runId", new { runId }, tx) == 0) throw UnknownRun(runId);
    }

    // ----- leases -----

    private sealed class LeaseRow
    {
        public string RunId { get; set; } = "";
        public string Token { get; set; } = "";
        public string Host { get; set; } = "";
        public long Pid { get; set; }
        public string? StartMark { get; set; }
        public string Acquired { get; set; } = "";
        public string Heartbeat { get; set; } = "";
    }

    private const string LeaseColumns = "run_id AS RunId, token AS Token, host AS Host, pid AS Pid, start_mark AS StartMark, acquired AS Acquired, heartbeat AS Heartbeat";

    /// <summary>A stored lease, live when its heartbeat is fresh at <paramref name="now"/> (the store's clock) and its holder is not known to be gone.</summary>
    private static RunLease ToLease(LeaseRow row, DateTimeOffset now)
    {
        var holder = new RunHolder(row.Host, checked((int)row.Pid), row.StartMark, row.Token);
        var heartbeat = ParseStamp(row.Heartbeat);
        return new RunLease(row.RunId, holder, ParseStamp(row.Acquired), heartbeat) { Live = now - heartbeat <= RunLease.StaleAfter && !holder.IsGone };
    }

    /// <summary>The store's clock: leases on several machines are judged by one clock, not by each machine's own.</summary>
    private string StoreNow(DbConnection c, DbTransaction? tx) => c.ExecuteScalar<string>($"SELECT {Dialect.NowSql}", transaction: tx)!;

    private static void WriteLease(DbConnection c, DbTransaction tx, string runId, RunHolder holder, string acquired, string heartbeat) =>
        c.Execute("INSERT INTO leases (run_id, token, host, pid, start_mark, acquired, heartbeat) VALUES (@runId, @Token, @Host, @pid, @StartMark, @acquired, @heartbeat) " +
                  "ON CONFLICT (run_id) DO UPDATE SET token = excluded.token, host = excluded.host, pid = excluded.pid, start_mark = excluded.start_mark, " +
                  "acquired = excluded.acquired, heartbeat = excluded.heartbeat",
            new { runId, holder.Token, holder.Host, pid = (long)holder.Pid, holder.StartMark, acquired, heartbeat }, tx);

    private LeaseRow? ReadLease(DbConnection c, DbTransaction? tx, string runId, bool forUpdate = false) =>
        c.QueryFirstOrDefault<LeaseRow>($"SELECT {LeaseColumns} FROM leases WHERE run_id = @runId{(forUpdate ? Dialect.ForUpdate : "")}", new { runId }, tx);

    public RunLease AcquireLease(string runId, RunHolder holder)
    {
        using var c = OpenConnection();
        using var tx = BeginWrite(c);
        // Locking the run's row serializes acquirers of one run (SQLite's write transaction already does).
        string? name = c.QueryFirstOrDefault<string>($"SELECT name FROM runs WHERE id = @runId{Dialect.ForUpdate}", new { runId }, tx);
        if (name is null) throw UnknownRun(runId);
        // Locking the lease too: a heartbeat of the current holder waits, then finds whether it lost the run.
        var row = ReadLease(c, tx, runId, forUpdate: true);
        string now = StoreNow(c, tx);
        var current = row is null ? null : ToLease(row, ParseStamp(now));
        bool same = current?.Holder.Token == holder.Token;
        if (current is { Live: true } && !same)
        {
            int seconds = (int)Math.Max(0, (ParseStamp(now) - current.Heartbeat).TotalSeconds);
            throw new UserError($"run {runId} ({name}) is held by {current.Holder} (last heartbeat {seconds} s ago); wait for it to finish, or stop that process and try again.");
        }
        string acquired = same ? row!.Acquired : now;
        WriteLease(c, tx, runId, holder, acquired, now);
        c.Execute("UPDATE runs SET status = @status, updated = @updated, finished = NULL, error = NULL, host = @host WHERE id = @runId",
            new { runId, status = RunStatus.Running.ToText(), updated = Now(), host = holder.Host }, tx);
        Commit(tx);
        return new RunLease(runId, holder, ParseStamp(acquired), ParseStamp(now));
    }

    public RunLease Heartbeat(RunLease lease)
    {
        using var c = OpenConnection();
        string? stamp = c.ExecuteScalar<string?>($"UPDATE leases SET heartbeat = {Dialect.NowSql} WHERE run_id = @RunId AND token = @Token RETURNING heartbeat",
            new { lease.RunId, lease.Holder.Token });
        if (stamp is null) throw LostLease(c, null, lease);
        return lease with { Heartbeat = ParseStamp(stamp) };
    }

    public void ReleaseLease(RunLease lease, RunStatus status, double wallSeconds, string? error = null)
    {
        if (status == RunStatus.Running) throw new ArgumentException("a released run cannot be running: give its final status (completed, interrupted or failed).", nameof(status));
        using var c = OpenConnection();
        using var tx = BeginWrite(c);
        string? token = c.QueryFirstOrDefault<string>($"SELECT token FROM leases WHERE run_id = @RunId{Dialect.ForUpdate}", new { lease.RunId }, tx);
        if (token != lease.Holder.Token) throw LostLease(c, tx, lease);
        SetStatus(c, tx, lease.RunId, status, wallSeconds, error);
        c.Execute("DELETE FROM leases WHERE run_id = @RunId", new { lease.RunId }, tx);
        Commit(tx);
    }

    private UserError LostLease(DbConnection c, DbTransaction? tx, RunLease lease)
    {
        var row = ReadLease(c, tx, lease.RunId);
        string now = row is null ? "" : StoreNow(c, tx);
        string what = row is null
            ? (c.ExecuteScalar<long>("SELECT COUNT(*) FROM runs WHERE id = @RunId", new { lease.RunId }, tx) == 0 ? "the run was deleted" : "its lease was released")
            : $"{ToLease(row, ParseStamp(now)).Holder} took it over after this process's heartbeat went stale";
        return new UserError($"run {lease.RunId} is no longer held by {lease.Holder}: {what}; this process must stop working on it.");
    }

    // ----- metrics -----

    public void AddMetrics(string runId, IReadOnlyList<MetricPoint> points)
    {
        if (points.Count == 0) return;
        using var c = OpenConnection();
        using var tx = BeginWrite(c);
        RequireRun(c, tx, runId);
        InsertMany(c, tx, "INSERT INTO metrics (run_id, update_index, env_step, name, value) VALUES ",
            " ON CONFLICT (run_id, update_index, name) DO UPDATE SET env_step = excluded.env_step, value = excluded.value",
            5, points, (p, i) => i switch { 0 => runId, 1 => p.Update, 2 => p.EnvStep, 3 => p.Name, _ => p.Value });
        Commit(tx);
    }

    public IReadOnlyList<MetricPoint> Metrics(string runId, string? name = null)
    {
        using var c = OpenConnection();
        string sql = "SELECT update_index, env_step, name, value FROM metrics WHERE run_id = @runId" +
                     (name is null ? "" : " AND name = @name") + " ORDER BY update_index, name";
        return ReadMetrics(c, sql, runId, name);
    }

    public IReadOnlyList<MetricPoint> MetricsAfter(string runId, long update)
    {
        using var c = OpenConnection();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT update_index, env_step, name, value FROM metrics WHERE run_id = @runId AND update_index > @update ORDER BY update_index, name";
        cmd.Add("@runId", runId);
        cmd.Add("@update", update);
        return Read(cmd);
    }

    public IReadOnlyList<MetricPoint> LastMetrics(string runId)
    {
        using var c = OpenConnection();
        const string sql = "SELECT m.update_index, m.env_step, m.name, m.value FROM metrics m " +
                           "JOIN (SELECT name, MAX(update_index) AS u FROM metrics WHERE run_id = @runId GROUP BY name) last " +
                           "ON m.name = last.name AND m.update_index = last.u WHERE m.run_id = @runId ORDER BY m.name";
        return ReadMetrics(c, sql, runId, null);
    }

    private static List<MetricPoint> ReadMetrics(DbConnection c, string sql, string runId, string? name)
    {
        // Plain ADO rather than Dapper: metric series can be long, and this avoids per-row reflection.
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Add("@runId", runId);
        if (name is not null) cmd.Add("@name", name);
        return Read(cmd);
    }

    private static List<MetricPoint> Read(DbCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        var list = new List<MetricPoint>();
        while (r.Read()) list.Add(new MetricPoint(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetDouble(3)));
        return list;
    }

    public void DeleteMetricsAfter(string runId, long update)
    {
        using var c = OpenConnection();
        c.Execute("DELETE FROM metrics WHERE run_id = @runId AND update_index > @update", new { runId, update });
    }

    // ----- checkpoints -----

    private sealed class CheckpointRow
    {
        public string RunId { get; set; } = "";
        public long UpdateIndex { get; set; }
        public long EnvStep { get; set; }
        public string Path { get; set; } = "";
        public string Sha256 { get; set; } = "";
        public long Size { get; set; }
        public string Created { get; set; } = "";
        public CheckpointRecord ToRecord() => new(RunId, UpdateIndex, EnvStep, Path, Sha256, Size, ParseStamp(Created));
    }

    private const string CheckpointColumns = "run_id AS RunId, update_index AS UpdateIndex, env_step AS EnvStep, path AS Path, sha256 AS Sha256, size AS Size, created AS Created";

    public void AddCheckpoint(CheckpointRecord checkpoint)
    {
        using var c = OpenConnection();
        using var tx = BeginWrite(c);
        RequireRun(c, tx, checkpoint.RunId);
        c.Execute("INSERT INTO checkpoints (run_id, update_index, env_step, path, sha256, size, created) VALUES (@RunId, @Update, @EnvStep, @Path, @Sha256, @Size, @created) " +
                  "ON CONFLICT (run_id, update_index) DO UPDATE SET env_step = excluded.env_step, path = excluded.path, sha256 = excluded.sha256, size = excluded.size, created = excluded.created",
            new { checkpoint.RunId, checkpoint.Update, checkpoint.EnvStep, Path = checkpoint.Path.Replace('\\', '/'), checkpoint.Sha256, checkpoint.Size, created = Stamp(checkpoint.Created) }, tx);
        Commit(tx);
    }

    public IReadOnlyList<CheckpointRecord> Checkpoints(string runId)
    {
        using var c = OpenConnection();
        return c.Query<CheckpointRow>($"SELECT {CheckpointColumns} FROM checkpoints WHERE run_id = @runId ORDER BY update_index", new { runId }).Select(r => r.ToRecord()).ToList();
    }

    public CheckpointRecord? LatestCheckpoint(string runId)
    {
        using var c = OpenConnection();
        return c.QueryFirstOrDefault<CheckpointRow>($"SELECT {CheckpointColumns} FROM checkpoints WHERE run_id = @runId ORDER BY update_index DESC LIMIT 1", new { runId })?.ToRecord();
    }

    public IReadOnlyList<CheckpointRecord> DeleteCheckpointsAfter(string runId, long update)
    {
        using var c = OpenConnection();
        using var tx = BeginWrite(c);
        var removed = c.Query<CheckpointRow>($"SELECT {CheckpointColumns} FROM checkpoints WHERE run_id = @runId AND update_index > @update ORDER BY update_index",
            new { runId, update }, tx).Select(r => r.ToRecord()).ToList();
        c.Execute("DELETE FROM checkpoints WHERE run_id = @runId AND update_index > @update", new { runId, update }, tx);
        Commit(tx);
        return removed;
    }

    // ----- evaluations -----

    private sealed class EvaluationRow
    {
        public long Id { get; set; }
        public string? RunId { get; set; }
        public string Agent { get; set; } = "";
        public string World { get; set; } = "";
        public string Split { get; set; } = "";
        public string SplitFingerprint { get; set; } = "";
        public long Seed { get; set; }
        public long EpisodeCount { get; set; }
        public string Created { get; set; } = "";
        public EvaluationRecord ToRecord() => new(Id, RunId, Agent, World, Split, SplitFingerprint, Seed, checked((int)EpisodeCount), ParseStamp(Created));
    }

    private const string EvaluationColumns = "id AS Id, run_id AS RunId, agent AS Agent, world AS World, split AS Split, split_fingerprint AS SplitFingerprint, seed AS Seed, episode_count AS EpisodeCount, created AS Created";

    public EvaluationRecord AddEvaluation(NewEvaluation evaluation, IReadOnlyList<StoredEpisode> episodes)
    {
        var seen = new HashSet<int>();
        foreach (var e in episodes)
            if (!seen.Add(e.Index)) throw new ArgumentException($"episode index {e.Index} appears twice.", nameof(episodes));
        using var c = OpenConnection();
        using var tx = BeginWrite(c);
        if (evaluation.RunId is not null) RequireRun(c, tx, evaluation.RunId);
        string now = Now();
        long id = c.ExecuteScalar<long>(
            "INSERT INTO evaluations (run_id, agent, world, split, split_fingerprint, seed, episode_count, created) " +
            "VALUES (@RunId, @Agent, @World, @Split, @SplitFingerprint, @Seed, @count, @now) RETURNING id",
            new { evaluation.RunId, evaluation.Agent, evaluation.World, evaluation.Split, evaluation.SplitFingerprint, evaluation.Seed, count = (long)episodes.Count, now }, tx);
        InsertMany(c, tx, "INSERT INTO episodes (evaluation_id, episode_index, level_index, level_seed, episode_return, length, terminated, truncated, trajectory) VALUES ", "",
            9, episodes, (e, i) => i switch
            {
                0 => id,
                1 => (long)e.Index,
                2 => e.LevelIndex,
                3 => e.LevelSeed,
                4 => e.Return,
                5 => (long)e.Length,
                6 => e.Terminated ? 1L : 0L,
                7 => e.Truncated ? 1L : 0L,
                _ => e.Trajectory,
            }, maxRows: 64);
        Commit(tx);
        return new EvaluationRecord(id, evaluation.RunId, evaluation.Agent, evaluation.World, evaluation.Split, evaluation.SplitFingerprint, evaluation.Seed, episodes.Count, ParseStamp(now));
    }

    public EvaluationRecord GetEvaluation(long evaluationId)
    {
        using var c = OpenConnection();
        return c.QueryFirstOrDefault<EvaluationRow>($"SELECT {EvaluationColumns} FROM evaluations WHERE id = @evaluationId", new { evaluationId })?.ToRecord()
               ?? throw new UserError($"unknown evaluation {evaluationId} in {Location}; `mesalab runs show RUN` lists a run's evaluations.");
    }

    public IReadOnlyList<EvaluationRecord> Evaluations(string? runId = null)
    {
        using var c = OpenConnection();
        string where = runId is null ? "" : " WHERE run_id = @runId";
        return c.Query<EvaluationRow>($"SELECT {EvaluationColumns} FROM evaluations{where} ORDER BY created DESC, id DESC", new { runId }).Select(r => r.ToRecord()).ToList();
    }

    public IReadOnlyList<StoredEpisode> Episodes(long evaluationId)
    {
        using var c = OpenConnection();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT episode_index, level_index, level_seed, episode_return, length, terminated, truncated, trajectory FROM episodes WHERE evaluation_id = @id ORDER BY episode_index";
        cmd.Add("@id", evaluationId);
        using var r = cmd.ExecuteReader();
        var list = new List<StoredEpisode>();
        while (r.Read())
            list.Add(new StoredEpisode(checked((int)r.GetInt64(0)), r.GetInt64(1), r.GetInt64(2), r.GetDouble(3), checked((int)r.GetInt64(4)),
                r.GetInt64(5) != 0, r.GetInt64(6) != 0, (byte[])r.GetValue(7)));
        return list;
    }

    // ----- results -----

    private sealed class ResultRow
    {
        public long Id { get; set; }
        public string? RunId { get; set; }
        public long? EvaluationId { get; set; }
        public string Kind { get; set; } = "";
        public string Name { get; set; } = "";
        public string Json { get; set; } = "";
        public string Created { get; set; } = "";
        public ResultRecord ToRecord() => new(Id, RunId, EvaluationId, Kind, Name, Json, ParseStamp(Created));
    }

    public long AddResult(string? runId, long? evaluationId, string kind, string name, string json)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json); // refuse malformed documents now rather than at read time
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArgumentException($"result '{kind}/{name}' is not valid JSON: {e.Message}", nameof(json), e);
        }
        using var c = OpenConnection();
        using var tx = BeginWrite(c);
        if (runId is not null) RequireRun(c, tx, runId);
        if (evaluationId is not null && c.ExecuteScalar<long>("SELECT COUNT(*) FROM evaluations WHERE id = @evaluationId", new { evaluationId }, tx) == 0)
            throw new UserError($"unknown evaluation {evaluationId} in {Location}.");
        long id = c.ExecuteScalar<long>("INSERT INTO results (run_id, evaluation_id, kind, name, json, created) VALUES (@runId, @evaluationId, @kind, @name, @json, @now) RETURNING id",
            new { runId, evaluationId, kind, name, json, now = Now() }, tx);
        Commit(tx);
        return id;
    }

    public IReadOnlyList<ResultRecord> Results(string? runId = null, long? evaluationId = null, string? kind = null)
    {
        var where = new List<string>();
        if (runId is not null) where.Add("run_id = @runId");
        if (evaluationId is not null) where.Add("evaluation_id = @evaluationId");
        if (kind is not null) where.Add("kind = @kind");
        using var c = OpenConnection();
        return c.Query<ResultRow>(
            "SELECT id AS Id, run_id AS RunId, evaluation_id AS EvaluationId, kind AS Kind, name AS Name, json AS Json, created AS Created FROM results" +
            (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY id",
            new { runId, evaluationId, kind }).Select(r => r.ToRecord()).ToList();
    }

    // ----- integrity -----

    /// <summary>What the database reports about its own consistency (empty when it has no such check or finds nothing).</summary>
    private protected virtual IReadOnlyList<string> DatabaseDamage(DbConnection c) => [];

    public IReadOnlyList<StoreProblem> Check()
    {
        var problems = new List<StoreProblem>();
        using var c = OpenConnection();
        foreach (var damage in DatabaseDamage(c))
            problems.Add(new(StoreProblemKind.DamagedDatabase, null, $"the database at {Location} is damaged: {damage}."));

        // Each part reads what it can: on a damaged database one unreadable table does not hide the rest.
        void Part(string what, Action read)
        {
            try
            {
                read();
            }
            catch (DbException e)
            {
                problems.Add(new(StoreProblemKind.DamagedDatabase, null, $"the {what} in {Location} cannot be read: {e.Message.TrimEnd('.')}."));
            }
        }

        Part("metrics", () =>
        {
            foreach (var (runId, update, name, count) in c.Query<(string, long, string, long)>(
                         "SELECT run_id, update_index, name, COUNT(*) FROM metrics GROUP BY run_id, update_index, name HAVING COUNT(*) > 1 ORDER BY run_id, update_index, name"))
                problems.Add(new(StoreProblemKind.DuplicateMetric, runId, $"run {runId} has {count} values of metric '{name}' at update {update}."));
        });

        Part("evaluations", () =>
        {
            foreach (var (id, runId, recorded, stored) in c.Query<(long, string?, long, long)>(
                         "SELECT e.id, e.run_id, e.episode_count, (SELECT COUNT(*) FROM episodes p WHERE p.evaluation_id = e.id) FROM evaluations e ORDER BY e.id"))
                if (recorded != stored)
                    problems.Add(new(StoreProblemKind.EpisodeCountMismatch, runId, $"evaluation {id} records {recorded} episodes but {stored} are stored."));
        });

        Part("checkpoints", () =>
        {
            foreach (var row in c.Query<CheckpointRow>($"SELECT {CheckpointColumns} FROM checkpoints ORDER BY run_id, update_index"))
                if (CheckpointFileProblem(row) is { } problem) problems.Add(problem);
        });

        Part("runs", () =>
        {
            foreach (var run in c.Query<RunRow>($"{RunSelect} WHERE r.status = @running ORDER BY r.created, r.id", new { running = RunStatus.Running.ToText() }).Select(r => r.ToRecord()))
                if (!run.Held)
                    problems.Add(new(StoreProblemKind.RunWithoutHolder, run.Id, run.Lease is { } l
                        ? $"run {run.Id} ({run.Name}) is recorded as running but its holder, {l.Holder}, is gone."
                        : $"run {run.Id} ({run.Name}) is recorded as running but no process holds it."));
        });

        Part("study jobs", () =>
        {
            foreach (var job in ReadStudyJobs(c, null, null).Where(j => j.State == StudyJobState.Running && !j.Held))
                problems.Add(new(StoreProblemKind.StudyJobWithoutHolder, job.RunId, job.Lease is { } l
                    ? $"job {job.Job} of study {job.Study} is recorded as running but its worker, {l.Holder}, is gone."
                    : $"job {job.Job} of study {job.Study} is recorded as running but no worker holds it."));
        });

        foreach (var file in AtomicFile.TemporaryFiles(Workspace, recursive: true))
            problems.Add(new(StoreProblemKind.AbandonedTemporaryFile, null, $"{file} is the temporary file of a write that never finished."));
        return problems;
    }

    private StoreProblem? CheckpointFileProblem(CheckpointRow row)
    {
        string file = Path.Combine(Workspace, row.Path);
        string where = $"checkpoint of run {row.RunId} at update {row.UpdateIndex} ({row.Path})";
        if (!File.Exists(file))
            return new(StoreProblemKind.MissingCheckpointFile, row.RunId, $"the {where} is missing from {Workspace}.");
        long size = new FileInfo(file).Length;
        if (size != row.Size)
            return new(StoreProblemKind.DamagedCheckpointFile, row.RunId, $"the {where} has {size} bytes, {row.Size} were recorded.");
        string sha;
        using (var f = File.OpenRead(file)) sha = Convert.ToHexStringLower(SHA256.HashData(f));
        return string.Equals(sha, row.Sha256, StringComparison.OrdinalIgnoreCase) ? null
            : new(StoreProblemKind.DamagedCheckpointFile, row.RunId, $"the {where} has SHA-256 {sha}, {row.Sha256} was recorded.");
    }

    // ----- batching -----

    /// <summary>Inserts rows with multi-row VALUES statements (few round trips on PostgreSQL, few statements on SQLite).</summary>
    private void InsertMany<T>(DbConnection c, DbTransaction tx, string head, string tail, int columns, IReadOnlyList<T> rows,
        Func<T, int, object?> value, int maxRows = int.MaxValue)
    {
        int perStatement = Math.Max(1, Math.Min(maxRows, Dialect.MaxParameters / columns));
        DbCommand? full = null;
        try
        {
            for (int start = 0; start < rows.Count; start += perStatement)
            {
                int n = Math.Min(perStatement, rows.Count - start);
                DbCommand cmd;
                if (n == perStatement && full is not null) cmd = full;
                else
                {
                    cmd = c.CreateCommand();
                    cmd.Transaction = tx;
                    var sql = new StringBuilder(head);
                    for (int r = 0; r < n; r++)
                    {
                        sql.Append(r == 0 ? "(" : ",(");
                        for (int k = 0; k < columns; k++)
                        {
                            if (k > 0) sql.Append(',');
                            string p = $"@p{r}_{k}";
                            sql.Append(p);
                            cmd.Add(p, null);
                        }
                        sql.Append(')');
                    }
                    cmd.CommandText = sql.Append(tail).ToString();
                    if (n == perStatement) full = cmd;
                }
                for (int r = 0; r < n; r++)
                    for (int k = 0; k < columns; k++)
                        cmd.Parameters[r * columns + k].Value = value(rows[start + r], k) ?? DBNull.Value;
                cmd.ExecuteNonQuery();
                if (cmd != full) cmd.Dispose();
            }
        }
        finally
        {
            full?.Dispose();
        }
    }
}
