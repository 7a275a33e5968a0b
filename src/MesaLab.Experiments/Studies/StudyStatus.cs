namespace MesaLab.Experiments;

using System.Text.Json;
using MesaLab.Store;

/// <summary>One job of a study as it stands.</summary>
/// <param name="Progress">Fraction of the training budget done (1 once trained; null before the run exists).</param>
/// <param name="Stage">What the job is doing or did last: train, evaluate and analyse, done.</param>
/// <param name="Seconds">Wall-clock seconds of the job's last finished attempt (taking it to giving it back).</param>
/// <param name="OverheadSeconds">Seconds of that attempt not spent training, evaluating or analysing: the scheduling and store overhead.</param>
public sealed record StudyJobStatus(string Job, int Position, string Procedure, long Seed, string State, int Attempts, int Failures, string? RunId,
    double? Progress, string Stage, string? HeldBy, string? Error, double Seconds, double TrainSeconds, double EvaluateSeconds, double AnalyseSeconds,
    double? OverheadSeconds);

/// <summary>A study's jobs by state, with their progress and timings.</summary>
public sealed record StudyStatusResult(string Study, string Store, int Jobs, IReadOnlyDictionary<string, int> ByState, IReadOnlyList<StudyJobStatus> JobStates)
{
    /// <summary>Whether every job is completed.</summary>
    public bool Complete => JobStates.All(j => j.State == "completed");

    /// <summary>Whether no job is pending, running or interrupted (each is completed, or failed beyond its retries).</summary>
    public bool Settled(int retries) => JobStates.All(j => j.State == "completed" || (j.State == "failed" && j.Failures > retries));
}

/// <summary>Where a stored study stands: every job's state, training progress, run, error and timings.</summary>
public static class StudyStatus
{
    public static StudyStatusResult Of(IRunStore store, string study)
    {
        StudyJob.Find(store, study);
        var jobs = store.StudyJobs(study);
        var documents = store.Results(kind: ResultKinds.StudyRun)
            .Where(r => r.RunId is not null)
            .GroupBy(r => r.RunId!)
            .ToDictionary(g => g.Key, g => JsonSerializer.Deserialize<StudyRunDocument>(g.Last().Json, MesaLabJson.Compact)!);
        var rows = new List<StudyJobStatus>();
        foreach (var j in jobs)
        {
            var run = j.RunId is null ? null : store.GetRun(j.RunId);
            var doc = j.RunId is not null && documents.TryGetValue(j.RunId, out var d) ? d : null;
            double? progress = null;
            string stage = "not started";
            if (run is not null)
            {
                if (run.EffectiveStatus == RunStatus.Completed) { progress = 1; stage = doc is null ? "evaluate and analyse" : "done"; }
                else
                {
                    long total = TotalSteps(j.Config);
                    var last = store.LastMetrics(run.Id);
                    long steps = last.Count > 0 ? last.Max(m => m.EnvStep) : 0;
                    progress = total > 0 ? Math.Min(1, steps / (double)total) : null;
                    stage = "train";
                }
            }
            // Judged only on a job done in one attempt: a resumed job's last attempt did part of the training.
            double? overhead = doc is not null && j.EffectiveState == StudyJobState.Completed && j.Attempts == 1 && j.Seconds > 0
                ? Math.Max(0, j.Seconds - doc.TrainSeconds - doc.EvaluateSeconds - doc.AnalyseSeconds)
                : null;
            rows.Add(new StudyJobStatus(j.Job, j.Position, j.Procedure, j.Seed, j.EffectiveState.ToText(), j.Attempts, j.Failures, j.RunId, progress, stage,
                j.Held ? j.Lease!.Holder.ToString() : null, j.Error, j.Seconds, doc?.TrainSeconds ?? run?.WallSeconds ?? 0, doc?.EvaluateSeconds ?? 0,
                doc?.AnalyseSeconds ?? 0, overhead));
        }
        var byState = Enum.GetValues<StudyJobState>().ToDictionary(s => s.ToText(), s => rows.Count(r => r.State == s.ToText()));
        return new StudyStatusResult(study, store.Location, rows.Count, byState, rows);
    }

    /// <summary>The training budget written in a job's configuration (0 when it cannot be read).</summary>
    private static long TotalSteps(string config)
    {
        try
        {
            var node = ConfigYaml.Parse(config, "job configuration")["ppo"]?["total_steps"];
            return node?.Value is { } v && decimal.TryParse(v.Replace("_", "", StringComparison.Ordinal), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out decimal n) ? (long)n : 0;
        }
        catch (UserError)
        {
            return 0;
        }
    }
}
