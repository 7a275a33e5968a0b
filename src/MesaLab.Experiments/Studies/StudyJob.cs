namespace MesaLab.Experiments;

using MesaLab.Store;

/// <summary>A study as it starts: its plan, its stored record, whether this start created it, and how many failed jobs are tried again.</summary>
public sealed record StudyStart(StudyPlan Plan, StudyRecord Stored, bool Created, int Retried);

/// <summary>
/// A study as a stored object: planned from its file (<see cref="StudyPlan"/>), stored once with all its jobs, and
/// recognized when run again (same spec: its completed jobs are kept, interrupted ones resume, failed ones are tried
/// again); a different study under an existing name is refused before anything is stored. Executors
/// (<see cref="LocalExecutor"/>, <see cref="SlurmExecutor"/>) then start workers (<see cref="StudyWorker"/>).
/// </summary>
public static class StudyJob
{
    public static StudyStart Prepare(IRunStore store, ExperimentConfig config)
    {
        var plan = StudyPlan.Of(config);
        var (stored, created) = store.SaveStudy(plan.ToNewStudy());
        if (!created && stored.SpecHash != plan.SpecHash)
            throw new UserError($"study '{plan.Name}' already exists in {store.Location} with a different spec ({stored.Jobs} jobs, created {stored.Created.UtcDateTime:yyyy-MM-dd HH:mm} UTC); give this study another name (its name: field), or run the study file it was created from.");
        int retried = created ? 0 : store.RetryFailedStudyJobs(plan.Name);
        return new StudyStart(plan, stored, created, retried);
    }

    /// <summary>The settings of a stored study, read from its spec.</summary>
    public static StudySettings Settings(StudyRecord study) =>
        ExperimentConfig.ParseStored(study.Spec, $"the spec stored with study {study.Name}").Section<StudySettings>();

    /// <summary>The stored study of that name, or a <see cref="UserError"/> naming the studies there are.</summary>
    public static StudyRecord Find(IRunStore store, string name)
    {
        var study = store.FindStudy(name);
        if (study is not null) return study;
        var names = store.ListStudies().Select(s => s.Name).ToList();
        throw new UserError(names.Count == 0
            ? $"unknown study '{name}': {store.Location} has no studies; `mesalab study STUDY.yaml` starts one."
            : $"unknown study '{name}' in {store.Location}; the studies are {string.Join(", ", names)}.");
    }
}
