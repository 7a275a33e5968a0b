namespace MesaLab.Store;

/// <summary>
/// A stored study: many runs of several training procedures × seeds, expanded into jobs. The spec is what the
/// user's study file says (its procedures, seeds and experiment); its hash tells a re-run of the same study from
/// another study that reuses the name.
/// </summary>
/// <param name="Name">Unique in the store.</param>
/// <param name="Spec">The study's specification as written with the study (YAML).</param>
/// <param name="SpecHash">SHA-256 of the specification's canonical form.</param>
/// <param name="Jobs">Number of jobs (procedures × seeds).</param>
public sealed record StudyRecord(string Name, string Spec, string SpecHash, DateTimeOffset Created, int Jobs);

/// <summary>What a caller supplies to create a study: its name, spec and every job.</summary>
public sealed record NewStudy(string Name, string Spec, string SpecHash, IReadOnlyList<NewStudyJob> Jobs);

/// <summary>One job of a new study: one training procedure with one seed, and the experiment configuration it runs.</summary>
/// <param name="Job">Unique within the study, e.g. <c>plain/seed-3</c>.</param>
/// <param name="Config">The job's effective experiment configuration (YAML), everything a worker needs.</param>
public sealed record NewStudyJob(string Job, string Procedure, long Seed, string Config);
