namespace MesaLab.Store;

using System.Data.Common;
using Dapper;

/// <summary>The study part of the SQL run store: studies, their jobs and the jobs' leases.</summary>
public abstract partial class SqlRunStore
{
    private const string StudySelect =
        "SELECT s.name AS Name, s.spec AS Spec, s.spec_hash AS SpecHash, s.created AS Created, " +
        "(SELECT COUNT(*) FROM study_jobs j WHERE j.study = s.name) AS Jobs FROM studies s";

    private sealed class StudyRow
    {
        public string Name { get; set; } = "";
        public string Spec { get; set; } = "";
        public string SpecHash { get; set; } = "";
        public string Created { get; set; } = "";
        public long Jobs { get; set; }
        public StudyRecord ToRecord() => new(Name, Spec, SpecHash, ParseStamp(Created), checked((int)Jobs));
    }

    private sealed class StudyJobRow
    {
        public string Study { get; set; } = "";
        public string Job { get; set; } = "";
        public long Position { get; set; }
        public string Procedure { get; set; } = "";
        public long Seed { get; set; }
        public string Config { get; set; } = "";
        public string State { get; set; } = "";
        public long Attempts { get; set; }
        public long Failures { get; set; }
        public string? Error { get; set; }
        public double Seconds { get; set; }
        public string Updated { get; set; } = "";
        public string? Token { get; set; }
        public string? Host { get; set; }
        public long? Pid { get; set; }
        public string? StartMark { get; set; }
        public string? Acquired { get; set; }
        public string? Heartbeat { get; set; }
        public string? RunId { get; set; }
        public string StoreNow { get; set; } = "";

        public StudyJobRecord ToRecord() => new(Study, Job, checked((int)Position), Procedure, Seed, Config, StudyJobStateText.Parse(State),
            checked((int)Attempts), checked((int)Failures), Error, Seconds, ParseStamp(Updated))
        {
            RunId = RunId,
            Lease = Token is null ? null : JobLease(this, ParseStamp(StoreNow)),
        };
    }

    /// <summary>A stored job lease, live by the same rule as a run's (<see cref="ToLease"/>): a fresh heartbeat and a holder not known to be gone.</summary>
    private static StudyJobLease JobLease(StudyJobRow row, DateTimeOffset now)
    {
        var holder = new RunHolder(row.Host!, checked((int)(row.Pid ?? 0)), row.StartMark, row.Token!);
        var heartbeat = ParseStamp(row.Heartbeat!);
        return new StudyJobLease(row.Study, row.Job, holder, ParseStamp(row.Acquired!), heartbeat)
        {
            Live = now - heartbeat <= RunLease.StaleAfter && !holder.IsGone,
        };
    }

    private string StudyJobSelect =>
        "SELECT j.study AS Study, j.job AS Job, j.position AS Position, j.procedure_name AS Procedure, j.seed AS Seed, j.config AS Config, " +
        "j.state AS State, j.attempts AS Attempts, j.failures AS Failures, j.error AS Error, j.seconds AS Seconds, j.updated AS Updated, " +
        "j.token AS Token, j.host AS Host, j.pid AS Pid, j.start_mark AS StartMark, j.acquired AS Acquired, j.heartbeat AS Heartbeat, " +
        $"r.id AS RunId, {Dialect.NowSql} AS StoreNow " +
        "FROM study_jobs j LEFT JOIN runs r ON r.study = j.study AND r.study_job = j.job";

    private List<StudyJobRecord> ReadStudyJobs(DbConnection c, DbTransaction? tx, string? study, string? job = null)
    {
        var where = new List<string>();
        if (study is not null) where.Add("j.study = @study");
        if (job is not null) where.Add("j.job = @job");
        string sql = StudyJobSelect + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY j.study, j.position";
        return c.Query<StudyJobRow>(sql, new { study, job }, tx).Select(r => r.ToRecord()).ToList();
    }

    private void RequireNoStudyRun(DbConnection c, DbTransaction tx, string study, string job)
    {
        string? existing = c.QueryFirstOrDefault<string>("SELECT id FROM runs WHERE study = @study AND study_job = @job", new { study, job }, tx);
        if (existing is not null)
            throw new UserError($"job {job} of study {study} already has run {existing} in {Location}; a study job has one run, which is resumed rather than started again.");
    }

    private UserError UnknownStudy(DbConnection c, DbTransaction? tx, string name)
    {
        var names = c.Query<string>("SELECT name FROM studies ORDER BY name", transaction: tx).ToList();
        return new UserError(names.Count == 0
            ? $"unknown study '{name}': {Location} has no studies; `mesalab study STUDY.yaml` starts one."
            : $"unknown study '{name}' in {Location}; the studies are {string.Join(", ", names)}.");
    }

    public (StudyRecord Study, bool Created) SaveStudy(NewStudy study)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var j in study.Jobs)
            if (!names.Add(j.Job)) throw new ArgumentException($"job '{j.Job}' appears twice.", nameof(study));
        using var c = OpenConnection();
        for (int attempt = 0; ; attempt++)
        {
            using var tx = BeginWrite(c);
            var existing = c.QueryFirstOrDefault<StudyRow>($"{StudySelect} WHERE s.name = @Name", new { study.Name }, tx);
            if (existing is not null)
            {
                tx.Commit();
                return (existing.ToRecord(), false);
            }
            string now = Now();
            try
            {
                c.Execute("INSERT INTO studies (name, spec, spec_hash, created) VALUES (@Name, @Spec, @SpecHash, @now)",
                    new { study.Name, study.Spec, study.SpecHash, now }, tx);
                InsertMany(c, tx, "INSERT INTO study_jobs (study, job, position, procedure_name, seed, config, state, attempts, failures, error, seconds, updated) VALUES ", "",
                    12, study.Jobs.Select((j, i) => (Job: j, Position: i)).ToList(), (x, k) => k switch
                    {
                        0 => study.Name,
                        1 => x.Job.Job,
                        2 => (long)x.Position,
                        3 => x.Job.Procedure,
                        4 => x.Job.Seed,
                        5 => x.Job.Config,
                        6 => StudyJobState.Pending.ToText(),
                        7 => 0L,
                        8 => 0L,
                        9 => null,
                        10 => 0.0,
                        _ => now,
                    }, maxRows: 64);
                tx.Commit();
                return (new StudyRecord(study.Name, study.Spec, study.SpecHash, ParseStamp(now), study.Jobs.Count), true);
            }
            catch (Exception e) when (Dialect.IsUniqueViolation(e) && attempt < 5)
            {
                // Another process created the study at the same moment: read it on the next pass.
            }
        }
    }

    public StudyRecord? FindStudy(string name)
    {
        using var c = OpenConnection();
        return c.QueryFirstOrDefault<StudyRow>($"{StudySelect} WHERE s.name = @name", new { name })?.ToRecord();
    }

    public IReadOnlyList<StudyRecord> ListStudies()
    {
        using var c = OpenConnection();
        return c.Query<StudyRow>($"{StudySelect} ORDER BY s.created DESC, s.name").Select(r => r.ToRecord()).ToList();
    }

    public IReadOnlyList<StudyJobRecord> StudyJobs(string study)
    {
        using var c = OpenConnection();
        if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM studies WHERE name = @study", new { study }) == 0) throw UnknownStudy(c, null, study);
        return ReadStudyJobs(c, null, study);
    }

    public StudyJobLease? ClaimStudyJob(string study, RunHolder holder, int maxFailures, string? job = null)
    {
        using var c = OpenConnection();
        using var tx = BeginWrite(c);
        if (c.ExecuteScalar<long>("SELECT COUNT(*) FROM studies WHERE name = @study", new { study }, tx) == 0) throw UnknownStudy(c, tx, study);
        // Locking the study's job rows serializes claimers (SQLite's write transaction already does).
        c.Query<string>($"SELECT job FROM study_jobs WHERE study = @study ORDER BY position{Dialect.ForUpdate}", new { study }, tx).AsList();
        var jobs = ReadStudyJobs(c, tx, study, job);
        if (job is not null && jobs.Count == 0)
            throw new UserError($"study {study} has no job '{job}'; `mesalab study status {study}` lists its jobs.");
        var next = jobs.FirstOrDefault(j => j.Claimable(maxFailures));
        if (next is null)
        {
            tx.Commit();
            return null;
        }
        string now = StoreNow(c, tx);
        c.Execute("UPDATE study_jobs SET state = @state, attempts = attempts + 1, token = @Token, host = @Host, pid = @pid, start_mark = @StartMark, " +
                  "acquired = @now, heartbeat = @now, updated = @updated WHERE study = @study AND job = @job",
            new { state = StudyJobState.Running.ToText(), holder.Token, holder.Host, pid = (long)holder.Pid, holder.StartMark, now, updated = Now(), study, job = next.Job }, tx);
        tx.Commit();
        return new StudyJobLease(study, next.Job, holder, ParseStamp(now), ParseStamp(now));
    }

    public StudyJobLease HeartbeatStudyJob(StudyJobLease lease)
    {
        using var c = OpenConnection();
        string? stamp = c.ExecuteScalar<string?>(
            $"UPDATE study_jobs SET heartbeat = {Dialect.NowSql} WHERE study = @Study AND job = @Job AND token = @Token RETURNING heartbeat",
            new { lease.Study, lease.Job, lease.Holder.Token });
        if (stamp is null) throw LostStudyJob(c, null, lease);
        return lease with { Heartbeat = ParseStamp(stamp) };
    }

    public void ReleaseStudyJob(StudyJobLease lease, StudyJobState state, double seconds, string? error = null)
    {
        if (state is StudyJobState.Running or StudyJobState.Pending)
            throw new ArgumentException("a released job is completed, interrupted or failed.", nameof(state));
        using var c = OpenConnection();
        using var tx = BeginWrite(c);
        string? token = c.QueryFirstOrDefault<string>($"SELECT token FROM study_jobs WHERE study = @Study AND job = @Job{Dialect.ForUpdate}",
            new { lease.Study, lease.Job }, tx);
        if (token != lease.Holder.Token) throw LostStudyJob(c, tx, lease);
        c.Execute("UPDATE study_jobs SET state = @state, seconds = @seconds, error = @error, failures = failures + @failed, updated = @now, " +
                  "token = NULL, host = NULL, pid = NULL, start_mark = NULL, acquired = NULL, heartbeat = NULL WHERE study = @Study AND job = @Job",
            new { state = state.ToText(), seconds, error = state == StudyJobState.Failed ? error : null, failed = state == StudyJobState.Failed ? 1L : 0L, now = Now(), lease.Study, lease.Job }, tx);
        tx.Commit();
    }

    public int RetryFailedStudyJobs(string study)
    {
        using var c = OpenConnection();
        return c.Execute("UPDATE study_jobs SET failures = 0, updated = @now WHERE study = @study AND state = @failed AND failures > 0",
            new { study, failed = StudyJobState.Failed.ToText(), now = Now() });
    }

    private UserError LostStudyJob(DbConnection c, DbTransaction? tx, StudyJobLease lease)
    {
        var row = ReadStudyJobs(c, tx, lease.Study, lease.Job).FirstOrDefault();
        string what = row is null ? "the study was deleted"
            : row.Lease is { } other ? $"{other.Holder} took it over after this worker's heartbeat went stale"
            : "it was given back";
        return new UserError($"{lease} is no longer held by {lease.Holder}: {what}; this worker must stop working on it.");
    }
}
