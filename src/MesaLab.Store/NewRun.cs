namespace MesaLab.Store;

/// <summary>What a caller supplies to create a run; the store adds the id, timestamps, status, code version and host.</summary>
/// <param name="Name">Requested name; <c>null</c> or empty means "&lt;world&gt;-&lt;kind&gt;". Made unique by the store.</param>
public sealed record NewRun(string? Name, string Kind, string World, string Config, long Seed)
{
    /// <summary>Overrides <see cref="Store.CodeVersion.Current"/> (tests, imported runs).</summary>
    public string? CodeVersion { get; init; }

    /// <summary>Overrides <see cref="Environment.MachineName"/>.</summary>
    public string? Host { get; init; }

    /// <summary>The study the run belongs to (with <see cref="StudyJob"/>); a study job has at most one run.</summary>
    public string? Study { get; init; }

    /// <summary>The job of <see cref="Study"/> the run does.</summary>
    public string? StudyJob { get; init; }
}
