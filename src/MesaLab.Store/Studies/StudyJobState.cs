namespace MesaLab.Store;

/// <summary>
/// Where a study job stands: <see cref="Pending"/> until a worker first takes it, <see cref="Running"/> while a
/// worker holds it, then <see cref="Completed"/>, <see cref="Interrupted"/> (stopped or killed: it resumes from its
/// run's checkpoint) or <see cref="Failed"/> (its error is kept; it is retried until the study's retries are used).
/// </summary>
public enum StudyJobState
{
    Pending,
    Running,
    Completed,
    Interrupted,
    Failed,
}

/// <summary>Text forms of <see cref="StudyJobState"/> as stored and printed.</summary>
public static class StudyJobStateText
{
    public static string ToText(this StudyJobState state) => state switch
    {
        StudyJobState.Pending => "pending",
        StudyJobState.Running => "running",
        StudyJobState.Completed => "completed",
        StudyJobState.Interrupted => "interrupted",
        _ => "failed",
    };

    public static StudyJobState Parse(string text) => text switch
    {
        "pending" => StudyJobState.Pending,
        "running" => StudyJobState.Running,
        "completed" => StudyJobState.Completed,
        "interrupted" => StudyJobState.Interrupted,
        "failed" => StudyJobState.Failed,
        _ => throw new InvalidDataException($"the run store holds an unknown study job state '{text}'."),
    };
}
